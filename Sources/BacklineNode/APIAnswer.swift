internal import BacklineTransport

/// Reading the aggregator API's answers: success or its JSON refusal `{"error":{"code":…}}`.
enum APIAnswer {
    private struct Refusal: Decodable {
        struct Inner: Decodable { let code: String }
        let error: Inner
    }

    /// Throws ``NodeError`` `refused` (status and API code) unless `response` is a 2xx.
    static func requireSuccess(_ response: HTTPResponse, _ request: String) throws {
        guard (200..<300).contains(response.status) else {
            throw NodeError.refused(request, status: response.status, code: errorCode(response) ?? "unknown")
        }
    }

    /// The API error code of a JSON refusal, if it is one.
    static func errorCode(_ response: HTTPResponse) -> String? {
        try? response.decodeJSON(Refusal.self).error.code
    }
}
