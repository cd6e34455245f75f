import BacklineCore

/// PostgreSQL's binary wire format for the few types the store uses (big-endian integers and
/// IEEE doubles, raw text and bytes), so values cross libpq without text parsing.
enum PostgresBinary {
    /// Type OIDs from `pg_type`.
    enum OID {
        static let bool: UInt32 = 16
        static let bytea: UInt32 = 17
        static let char: UInt32 = 18
        static let name: UInt32 = 19
        static let int8: UInt32 = 20
        static let int2: UInt32 = 21
        static let int4: UInt32 = 23
        static let text: UInt32 = 25
        static let oid: UInt32 = 26
        static let float4: UInt32 = 700
        static let float8: UInt32 = 701
        static let bpchar: UInt32 = 1042
        static let varchar: UInt32 = 1043
        static let void: UInt32 = 2278
    }

    /// A bind's type OID (0 lets the server infer it, for NULL) and bytes (nil for NULL).
    static func encode(_ value: SQLValue) -> (oid: UInt32, bytes: [UInt8]?) {
        switch value {
        case .null: return (0, nil)
        case .integer(let number): return (OID.int8, bigEndianBytes(UInt64(bitPattern: number)))
        case .double(let number): return (OID.float8, bigEndianBytes(number.bitPattern))
        case .text(let text): return (OID.text, Array(text.utf8))
        case .blob(let bytes): return (OID.bytea, bytes)
        }
    }

    /// Decodes a binary result value of type `oid`.
    static func decode(_ bytes: UnsafeRawBufferPointer, oid: UInt32) throws -> SQLValue {
        switch oid {
        case OID.int8: return .integer(Int64(bitPattern: try bigEndian(bytes, width: 8)))
        case OID.int4: return .integer(Int64(Int32(bitPattern: UInt32(try bigEndian(bytes, width: 4)))))
        case OID.int2: return .integer(Int64(Int16(bitPattern: UInt16(try bigEndian(bytes, width: 2)))))
        case OID.oid: return .integer(Int64(try bigEndian(bytes, width: 4)))
        case OID.bool: return .integer(Int64(try bigEndian(bytes, width: 1)))
        case OID.float8: return .double(Double(bitPattern: try bigEndian(bytes, width: 8)))
        case OID.float4: return .double(Double(Float(bitPattern: UInt32(try bigEndian(bytes, width: 4)))))
        case OID.text, OID.varchar, OID.name, OID.char, OID.bpchar:
            return .text(String(decoding: bytes, as: UTF8.self))
        case OID.void: return .null
        default: return .blob(Array(bytes))
        }
    }

    private static func bigEndianBytes(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * UInt64($0))) }
    }

    private static func bigEndian(_ bytes: UnsafeRawBufferPointer, width: Int) throws -> UInt64 {
        guard bytes.count == width else {
            throw StoreError.database(.database, "binary value of \(bytes.count) bytes where \(width) expected")
        }
        return bytes.reduce(0) { ($0 << 8) | UInt64($1) }
    }
}
