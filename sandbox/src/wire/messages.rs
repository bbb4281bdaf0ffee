//! The live API's words: every message the sandbox answers with, and the HTTP status and
//! `code` each domain refusal is reported with (facts §3). Where the facts are silent the
//! sandbox's own wording is used (see the README's "own choices").

use crate::domain::card::{CardProblem, Decline};
use crate::domain::error::{AmountOf, CardUse, Refusal, WindowOf};
use crate::domain::schedules::ScheduleFailure;
use crate::wire::envelope::Reply;

pub(crate) const DUPLICATE: &str =
    "이미 주문이 이루어진 건입니다. (동일한 merchant_uid로 결제 또는 취소된 기록이 있습니다)";
pub(crate) const UNKNOWN_CUSTOMER: &str = "등록되지 않은 구매자입니다.";
pub(crate) const NO_PAYMENT: &str = "존재하지 않는 결제정보입니다.";
pub(crate) const NO_IDS: &str = "imp_uid 또는 merchant_uid 중 하나는 지정해주셔야합니다.";
pub(crate) const UNSUPPORTED_STATUS: &str = "지원되지 않는 상태값입니다.";
pub(crate) const UNSUPPORTED_SCHEDULE_STATUS: &str = "지원되지 않는 예약상태입니다.";
pub(crate) const UNSUPPORTED_SORTING: &str = "지원되지 않는 정렬기준입니다.";
const NOTHING_TO_CANCEL: &str = "취소할 결제건이 존재하지 않습니다.";
const PAST: &str = "예약시각(schedule_at)은 현재시각 이후여야 합니다.";

/// 401 for a missing, unknown or expired token.
pub(crate) fn unauthorized() -> Reply {
    Reply::error(401, -1, "Unauthorized")
}

/// 404 for a path that names no API.
pub(crate) fn no_route() -> Reply {
    Reply::error(404, 1, "존재하지 않는 API입니다.")
}

/// A path parameter that could not be decoded.
pub(crate) fn bad_path() -> Reply {
    Reply::error(400, 1, "경로 파라메터를 해석할 수 없습니다.")
}

/// The body could not be read at all.
pub(crate) fn unreadable_body() -> Reply {
    Reply::error(400, 1, "요청 본문을 읽을 수 없습니다.")
}

/// The body is neither JSON nor a form.
pub(crate) fn unparseable_body() -> Reply {
    Reply::error(
        400,
        1,
        "요청 본문을 해석할 수 없습니다. (JSON 또는 x-www-form-urlencoded)",
    )
}

/// A required body field is absent.
pub(crate) fn missing(name: &str) -> Reply {
    Reply::fail(1, format!("{name} 파라메터가 누락되었습니다."))
}

/// A body field of the wrong type.
pub(crate) fn malformed(name: &str) -> Reply {
    Reply::fail(1, format!("{name} 파라메터의 형식이 올바르지 않습니다."))
}

/// A bad query parameter (400).
pub(crate) fn bad_query(name: &str) -> Reply {
    Reply::error(400, 1, format!("{name} 파라메터가 올바르지 않습니다."))
}

/// More ids than a multi-lookup takes (400).
pub(crate) fn too_many_ids(max: usize) -> Reply {
    Reply::error(
        400,
        1,
        format!("한 번에 최대 {max}건까지 조회할 수 있습니다."),
    )
}

pub(crate) fn key_not_found(uid: &str) -> String {
    format!("요청하신 customer_uid({uid})로 등록된 정보를 찾을 수 없습니다.")
}

/// The card company's reason for a decline (`fail_reason` of the payment).
pub(crate) fn decline_reason(d: Decline) -> &'static str {
    match d {
        Decline::OverLimit => "[테스트] 카드 한도초과",
    }
}

/// `fail_reason` of a schedule whose execution made no payment.
pub(crate) fn schedule_failure(f: ScheduleFailure) -> &'static str {
    match f {
        ScheduleFailure::UnknownCustomer => UNKNOWN_CUSTOMER,
        ScheduleFailure::DuplicateOrder => DUPLICATE,
    }
}

fn amount_name(of: AmountOf) -> &'static str {
    match of {
        AmountOf::Payment => "결제금액(amount)",
        AmountOf::Cancel => "취소금액(amount)",
    }
}

/// The message of a refused card, as the live API words it: what failed, then the PG's
/// `[code]detail` (NICE's codes: `nicepayments/nicepay-manual` `common/code.md`). Live
/// examples: `카드정보 인증 및 빌키 발급에 실패하였습니다. [F112]유효하지않은 카드번호를
/// 입력하셨습니다. (card_bin 없음)` (the vendor's Ruby client README, for the guides'
/// `1234-1234-1234-1234`); the card company's reasons `유효기간오류`, `비밀번호틀림`,
/// `주민OR사업자등록번호오류` come with code F113.
pub(crate) fn card_refused(during: CardUse, problem: CardProblem) -> String {
    let prefix = match during {
        CardUse::KeyIn => "카드정보 인증에 실패하였습니다.",
        CardUse::IssueKey => "카드정보 인증 및 빌키 발급에 실패하였습니다.",
    };
    let detail = match problem {
        CardProblem::InvalidNumber => {
            "[F112]유효하지않은 카드번호를 입력하셨습니다. (card_bin 없음)"
        }
        CardProblem::ExpiryFormat => {
            "[V511]유효기간 허용하지 않는 값을 설정하였습니다. (YYYY-MM 또는 YYYYMM)"
        }
        CardProblem::Expired => "[F113]유효기간오류",
        CardProblem::Birth => "[F113]주민OR사업자등록번호오류",
        CardProblem::Pwd2Digit => "[F113]비밀번호틀림",
        CardProblem::AuthFailed => "[F113]본인의 신용카드 확인중 오류가 발생하였습니다.",
    };
    format!("{prefix} {detail}")
}

/// HTTP status, code and message of a refusal, as the endpoints answer it unless they say
/// otherwise.
impl From<Refusal> for Reply {
    fn from(r: Refusal) -> Reply {
        match r {
            Refusal::MissingCredentials => {
                Reply::error(400, -1, "imp_key, imp_secret 파라메터가 누락되었습니다.")
            }
            Refusal::BadCredentials => {
                Reply::error(401, -1, "imp_key, imp_secret 인증에 실패하였습니다.")
            }
            Refusal::AmountNotPositive(of) => {
                Reply::fail(1, format!("{}은 0보다 커야 합니다.", amount_name(of)))
            }
            Refusal::AmountNotWhole(of) => Reply::fail(
                1,
                format!("{}은 원 단위 정수여야 합니다. (KRW)", amount_name(of)),
            ),
            Refusal::PartOutOfRange(name) => {
                Reply::fail(1, format!("{name} 금액이 올바르지 않습니다."))
            }
            Refusal::CardQuotaOutOfRange => {
                Reply::fail(1, "할부개월수(card_quota)가 올바르지 않습니다.")
            }
            Refusal::UnknownChannel => {
                Reply::fail(1, "비인증결제모듈 사용정보를 찾을 수 없습니다.")
            }
            Refusal::Card(during, problem) => Reply::fail(-1, card_refused(during, problem)),
            Refusal::DuplicateOrder => Reply::fail(1, DUPLICATE),
            Refusal::UnknownCustomer => Reply::fail(1, UNKNOWN_CUSTOMER),
            Refusal::BillingKeyNotFound(uid) => Reply::fail(1, key_not_found(&uid)),
            Refusal::PaymentNotFound => Reply::error(404, 1, NO_PAYMENT),
            Refusal::CancelWithoutIds => Reply::fail(1, NO_IDS),
            Refusal::NothingToCancel => Reply::fail(1, NOTHING_TO_CANCEL),
            Refusal::AlreadyCancelled => Reply::fail(1, "이미 전액취소된 주문입니다."),
            Refusal::ChecksumMismatch {
                checksum,
                remaining,
            } => Reply::fail(
                1,
                format!(
                    "요청하신 checksum({})과 취소가능잔액({})이 일치하지 않습니다.",
                    checksum.normalize(),
                    remaining.normalize()
                ),
            ),
            Refusal::CancelAboveBalance { amount, remaining } => Reply::fail(
                1,
                format!(
                    "취소요청금액({})이 취소가능잔액({})보다 큽니다.",
                    amount.normalize(),
                    remaining.normalize()
                ),
            ),
            Refusal::NoCustomerData => Reply::fail(1, "등록된 고객정보가 없습니다."),
            Refusal::ScheduleInPast(Some(m)) => {
                Reply::fail(1, format!("{PAST} (merchant_uid: {m})"))
            }
            Refusal::ScheduleInPast(None) => Reply::error(400, 1, PAST),
            Refusal::ScheduleTaken(m) => Reply::fail(
                1,
                format!("merchant_uid({m})로 이미 등록된 결제예약 또는 결제 기록이 있습니다."),
            ),
            Refusal::CardCheckDeclined(reason) => Reply::fail(
                -1,
                format!(
                    "유효카드 체크 승인에 실패하였습니다. ({})",
                    decline_reason(reason)
                ),
            ),
            Refusal::UnscheduleWithoutIds => Reply::fail(
                1,
                "customer_uid 또는 merchant_uid 중 하나는 지정해주셔야합니다.",
            ),
            Refusal::NothingToRevoke => Reply::fail(1, "취소할 예약결제 기록이 존재하지 않습니다."),
            Refusal::ScheduleNotFound(m) => Reply::error(
                404,
                1,
                format!("요청하신 merchant_uid({m})로 예약된 결제건이 존재하지 않습니다."),
            ),
            Refusal::ScheduleNotPending => {
                Reply::error(400, 1, "이미 실행되었거나 취소된 결제예약입니다.")
            }
            Refusal::ScheduleNotExecuted => {
                Reply::error(400, 1, "아직 실행되지 않은 결제예약입니다.")
            }
            Refusal::ScheduleAlreadyPaid => Reply::error(400, 1, "이미 승인된 결제예약입니다."),
            Refusal::WindowReversed => {
                Reply::error(400, 1, "조회 종료시각은 조회 시작시각 이후여야 합니다.")
            }
            Refusal::WindowTooLong(WindowOf::Schedules) => {
                Reply::error(400, 1, "조회 기간은 최대 3개월(92일)입니다.")
            }
            Refusal::WindowTooLong(WindowOf::PaymentsByStatus) => {
                Reply::error(400, 1, "조회 기간은 최대 90일입니다.")
            }
        }
    }
}
