// The seed's billing-key flow against the embedded sandbox, and masking. Runs on macOS with
// `swift test` after build-xcframework.sh (not on the Linux CI, which has no Swift toolchain).
import XCTest
@testable import IamportSubscribe

final class BillingFlowTests: XCTestCase {
    func testIssueChargeAndDecline() async throws {
        let sandbox = try await Sandbox.start()
        let client = try Client(options: sandbox.clientOptions())

        _ = try await client.issueBillingKey(request: IssueBillingKeyRequest(
            customerUid: "customer-42",
            card: CardDetails(cardNumber: "4111-1111-1111-1111", expiry: "2030-12",
                              birth: "820213", pwd2digit: "00"),
            pg: .nice(mid: nil)
        ))
        let payment = try await client.payAgain(request: PayAgainRequest(
            customerUid: "customer-42", merchantUid: "order-2026-11-42",
            amount: Decimal(9900), name: "Monthly plan"
        ))
        XCTAssertEqual(payment.status, .paid)
        XCTAssertEqual(payment.amount, Decimal(9900))

        _ = try await client.issueBillingKey(request: IssueBillingKeyRequest(
            customerUid: "customer-43",
            card: CardDetails(cardNumber: "4000-0000-0000-0002", expiry: "2030-12")
        ))
        do {
            _ = try await client.payAgain(request: PayAgainRequest(
                customerUid: "customer-43", merchantUid: "order-2026-11-43", amount: Decimal(9900)
            ))
            XCTFail("a declined card must throw")
        } catch IamportError.CardDeclined(let failed, let reason) {
            XCTAssertEqual(failed.status, .failed)
            XCTAssertNotNil(reason)
        }
        await sandbox.stop()
    }

    func testListPaymentsOverMoreThan90Days() async throws {
        let sandbox = try await Sandbox.start()
        let client = try Client(options: sandbox.clientOptions())
        _ = try await client.issueBillingKey(request: IssueBillingKeyRequest(
            customerUid: "c1",
            card: CardDetails(cardNumber: "4111-1111-1111-1111", expiry: "2099-12")
        ))
        let start = sandbox.now()
        _ = try await client.payAgain(request: PayAgainRequest(
            customerUid: "c1", merchantUid: "old", amount: Decimal(1000)))
        await sandbox.advanceClock(by: 150 * 86_400)
        _ = try await client.payAgain(request: PayAgainRequest(
            customerUid: "c1", merchantUid: "new", amount: Decimal(2000)))

        var orders: [String] = []
        for try await payment in client.listPayments(from: start, to: sandbox.now()) {
            orders.append(payment.merchantUid)
        }
        XCTAssertEqual(orders, ["new", "old"])  // newest window first
        var paid: [String] = []
        for try await payment in client.listPayments(
            status: .paid, from: start, to: sandbox.now(), sorting: .paidAsc
        ) {
            paid.append(payment.merchantUid)
        }
        XCTAssertEqual(paid, ["old", "new"])

        let before = sandbox.totalRequests()
        do {
            for try await _ in client.listPayments(from: 10, to: 9) {}
            XCTFail("a reversed range must throw")
        } catch IamportError.InvalidRequest(let field, _) {
            XCTAssertEqual(field, "to")
        }
        XCTAssertEqual(sandbox.totalRequests(), before)
        await sandbox.stop()
    }

    func testCardDataIsMasked() {
        let card = CardDetails(cardNumber: "4111-2222-3333-4448", expiry: "2031-07",
                               birth: "820213", pwd2digit: "37", cvc: "987")
        for text in [String(describing: card), String(reflecting: card), "\(card)"] {
            for secret in ["4111", "2222", "3333", "2031", "820213", "37", "987"] {
                XCTAssertFalse(text.contains(secret), "\(secret) leaked into \(text)")
            }
        }
        var dumped = ""
        dump(card, to: &dumped)
        XCTAssertFalse(dumped.contains("2222"), dumped)
        XCTAssertEqual(card.cardNumber.description, "****-****-****-4448")
    }
}
