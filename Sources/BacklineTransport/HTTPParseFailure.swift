/// Why a message was refused: the status to answer with and a stable code.
package struct HTTPParseFailure: Equatable, Sendable {
    package let status: Int
    package let code: String
    package let message: String
}
