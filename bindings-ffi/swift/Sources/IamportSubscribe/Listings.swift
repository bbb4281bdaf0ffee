// Hand-written addition to the generated Client: payments by status as an AsyncThrowingStream.
// uniffi exports a cursor (`listPaymentsCursor`, one `nextPage` call per page of up to 1000); the
// window splitting and paging are core's.

import Foundation

extension Client {
    /// Every payment in `status` (nil: every status) found in `[from, to]` (unix seconds, both
    /// inclusive; `to` defaults to the API's now, `from` to 90 days before `to`), in the order of
    /// `sorting` (default `-started`). Any range: one longer than the API's 90 days is read as
    /// consecutive windows. Nothing is requested until the stream is iterated, and a page is
    /// fetched only when the previous one has been read. Bad arguments throw
    /// `IamportError.InvalidRequest` from the first iteration, before anything is sent.
    public func listPayments(
        status: PaymentStatus? = nil,
        from: Int64? = nil,
        to: Int64? = nil,
        sorting: PaymentSorting? = nil
    ) -> AsyncThrowingStream<Payment, Swift.Error> {
        let pages = PaymentPages(
            listPaymentsCursor(status: status, from: from, to: to, sorting: sorting))
        return AsyncThrowingStream(unfolding: { try await pages.next() })
    }
}

/// The payments of a cursor one at a time, a page buffered.
private actor PaymentPages {
    private let cursor: PaymentListing
    private var page: [Payment] = []
    private var index = 0

    init(_ cursor: PaymentListing) { self.cursor = cursor }

    func next() async throws -> Payment? {
        while index >= page.count {
            guard let next = try await cursor.nextPage() else { return nil }
            page = next
            index = 0
        }
        defer { index += 1 }
        return page[index]
    }
}
