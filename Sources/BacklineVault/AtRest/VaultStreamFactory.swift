public import BacklineCore

public protocol VaultStreamFactory {
    func makeWriter(name: String) throws -> any ByteStreamWriter  // atomic: visible only after finish()
    func makeReader(name: String) throws -> any ByteStreamReader  // read returns 0 only at verified end
    func fileNames() throws -> [String]
}
