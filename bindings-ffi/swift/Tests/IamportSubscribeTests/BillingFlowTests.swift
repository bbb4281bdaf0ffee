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
