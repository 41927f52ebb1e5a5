//! The stable error codes: what the engine answers when it refuses or fails, whatever the
//! interface.
//!
//! A code's wire name ([`Code::as_str`]) is a contract: clients branch on it, and the HTTP
//! API builds the problem's `type` URL from it. A wire name is never renamed; a new case
//! gets a new code. [`Code::status`] is the HTTP status it is answered with.
//!
//! Every wire name belongs to one variant, with two exceptions, each a pair of variants that
//! share a wire name because the same refusal comes with two statuses depending on what was
//! refused: `file_too_large` ([`Code::FileTooLarge`], 413, an uploaded body;
//! [`Code::ReusedFileTooLarge`], 422, a stored document named in a JSON body) and
//! `media_type_not_accepted` ([`Code::MediaTypeNotAccepted`], 415;
//! [`Code::ReusedMediaTypeNotAccepted`], 422), likewise.

use std::fmt;

/// Declares [`Code`], [`Code::ALL`] and the four tables (wire name, status, title, the
/// Vietnamese sentence) from one list, so that no variant can be missing from any of them.
macro_rules! codes {
    ($(
        $(#[$meta:meta])*
        $variant:ident = $wire:literal, $status:literal, $title:literal,
            $vietnamese:literal;
    )*) => {
        /// A stable error code. See the [module](self) for what it promises.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $(
                $(#[$meta])*
                $variant,
            )*
        }

        impl Code {
            /// Every code, in declaration order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The snake_case wire name, e.g. `dossier_not_found`: clients depend on it.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $wire,)*
                }
            }

            /// The HTTP status the code is answered with.
            pub const fn status(self) -> u16 {
                match self {
                    $(Code::$variant => $status,)*
                }
            }

            /// A short English title.
            pub const fn title(self) -> &'static str {
                match self {
                    $(Code::$variant => $title,)*
                }
            }

            /// What the refusal means, in Vietnamese, for a person: the detail of a
            /// Vietnamese answer when the use case said nothing more precise
            /// ([`crate::ServiceError::in_vietnamese`]).
            pub const fn vietnamese(self) -> &'static str {
                match self {
                    $(Code::$variant => $vietnamese,)*
                }
            }
        }
    };
}

codes! {
    // 400 Bad Request

    /// A 400 answered without a code of its own (a library's answer, caught on its way out).
    BadRequest = "bad_request", 400, "Bad request",
        "Yêu cầu không hợp lệ.";
    /// A path segment of the wrong form (not a UUID where one is expected, …).
    InvalidPath = "invalid_path", 400, "Invalid path",
        "Địa chỉ yêu cầu có phần không đúng dạng (ví dụ một mã không phải UUID).";
    /// An unknown or malformed query parameter.
    InvalidQuery = "invalid_query", 400, "Invalid query",
        "Tham số truy vấn không được biết hoặc không đúng dạng.";
    /// A JSON body that is not JSON, or a body that could not be read.
    MalformedJson = "malformed_json", 400, "Malformed JSON",
        "Nội dung gửi lên không phải JSON hợp lệ, hoặc không đọc được.";
    /// An `Idempotency-Key` that is not 1 to 255 visible ASCII characters.
    InvalidIdempotencyKey = "invalid_idempotency_key", 400, "Invalid idempotency key",
        "Khóa Idempotency-Key phải gồm từ 1 đến 255 ký tự ASCII nhìn thấy được.";
    /// A page `limit` out of its range.
    InvalidLimit = "invalid_limit", 400, "Invalid limit",
        "Tham số limit phải từ 1 đến 200.";
    /// A page cursor the engine did not give.
    InvalidCursor = "invalid_cursor", 400, "Invalid cursor",
        "Con trỏ trang không do hệ thống cấp; hãy đọc lại từ trang đầu.";
    /// A login's `return_to` that is not a path or URL of this service, or holds control
    /// characters.
    InvalidReturnTo = "invalid_return_to", 400, "Invalid return address",
        "Địa chỉ quay lại sau khi đăng nhập không thuộc dịch vụ này.";
    /// The identity provider's callback came with an error, without its code or state, from
    /// another browser, or for a login attempt that is unknown, used or expired.
    LoginFailed = "login_failed", 400, "Login failed",
        "Đăng nhập không thành công: phiên đăng nhập không còn hiệu lực hoặc nhà cung cấp định danh báo lỗi; hãy đăng nhập lại.";
    /// An upload whose body ended before its end (the client went away).
    UploadInterrupted = "upload_interrupted", 400, "Upload interrupted",
        "Tệp tải lên bị ngắt giữa chừng; không có gì được lưu, hãy tải lại.";

    // 401 Unauthorized

    /// No bearer token, or an invalid or expired one.
    Unauthorized = "unauthorized", 401, "Unauthorized",
        "Cần đăng nhập: mã truy cập không có, không hợp lệ hoặc đã hết hạn.";
    /// The identity provider's ID token did not pass the engine's checks (signature, key,
    /// claims…).
    IdTokenRefused = "id_token_refused", 401, "ID token refused",
        "Thông tin đăng nhập từ nhà cung cấp định danh không qua được kiểm tra.";

    // 403 Forbidden

    /// A 403 answered without a code of its own.
    Forbidden = "forbidden", 403, "Forbidden",
        "Bạn không được thực hiện yêu cầu này.";
    /// The login flow was broken off, replayed or tampered with: e.g. the identity provider
    /// refused the code.
    LoginRefused = "login_refused", 403, "Login refused",
        "Đăng nhập bị từ chối; hãy đăng nhập lại từ đầu.";
    /// An operation for staff, asked by a citizen.
    StaffOnly = "staff_only", 403, "Staff only",
        "Chỉ dành cho cán bộ.";
    /// An operation a citizen does for themself, asked by staff.
    CitizensOnly = "citizens_only", 403, "Citizens only",
        "Chỉ công dân tự thực hiện việc này; cán bộ dùng chức năng tiếp nhận tại quầy.";
    /// Taking a dossier at the counter, asked by staff who are not desk clerks.
    DeskClerksOnly = "desk_clerks_only", 403, "Desk clerks only",
        "Chỉ cán bộ tiếp nhận (bộ phận một cửa) nhận hồ sơ tại quầy.";
    /// The caller's role may not do this to the dossier (act in this step, submit, reassign,
    /// apologise…).
    RoleNotAllowed = "role_not_allowed", 403, "Role not allowed",
        "Vai trò của bạn không được thực hiện thao tác này.";
    /// The outbox's operations, asked by someone who is not a supervisor.
    SupervisorsOnly = "supervisors_only", 403, "Supervisors only",
        "Chỉ cán bộ giám sát được thực hiện việc này.";
    /// Staff asking for another agency's figures.
    OtherAgency = "other_agency", 403, "Other agency",
        "Bạn chỉ xem được số liệu của cơ quan mình; giám sát xem được số liệu của cơ quan mình và các đơn vị trực thuộc.";
    /// A desk clerk taking a dossier of a procedure their agency does not receive.
    AgencyNotReceiving = "agency_not_receiving", 403, "Agency not receiving",
        "Cơ quan của bạn không tiếp nhận thủ tục này.";
    /// A dossier started outside the procedure's opening window.
    ProcedureNotOpen = "procedure_not_open", 403, "Procedure not open",
        "Thủ tục này chỉ nhận hồ sơ trong thời gian quy định; hiện chưa đến hoặc đã hết thời gian đó.";
    /// A citizen whose VNeID account's level is below what the procedure needs.
    AssuranceLevelTooLow = "assurance_level_too_low", 403, "Assurance level too low",
        "Thủ tục này cần tài khoản định danh điện tử mức độ cao hơn tài khoản bạn đã dùng để đăng nhập.";

    // 404 Not Found

    /// No such route, or a 404 answered without a code of its own.
    NotFound = "not_found", 404, "Not found",
        "Không có tài nguyên này.";
    /// A dossier that does not exist *or* that the caller may not see: the two are
    /// indistinguishable.
    DossierNotFound = "dossier_not_found", 404, "Dossier not found",
        "Không tìm thấy hồ sơ (hoặc hồ sơ không thuộc quyền xem của bạn).";
    /// No procedure with that code in the catalog.
    ProcedureNotFound = "procedure_not_found", 404, "Procedure not found",
        "Không có thủ tục với mã này.";
    /// The procedure has no document requirement with that key.
    RequirementNotFound = "requirement_not_found", 404, "Document requirement not found",
        "Thủ tục không có thành phần hồ sơ này.";
    /// No such document in the citizen's store or on the dossier.
    DocumentNotFound = "document_not_found", 404, "Document not found",
        "Không tìm thấy tài liệu.";
    /// No queue of that name that the caller works.
    QueueNotFound = "queue_not_found", 404, "Queue not found",
        "Bạn không xử lý hàng đợi này.";
    /// No outbox message with that id among those the caller may see.
    OutboxMessageNotFound = "outbox_message_not_found", 404, "Outbox message not found",
        "Không có thông điệp đồng bộ với mã này.";
    /// No slip of that kind was issued for the dossier.
    SlipNotIssued = "slip_not_issued", 404, "Slip not issued",
        "Phiếu này chưa được cấp cho hồ sơ.";

    // 405, 406, 408

    /// The route exists but does not take that method.
    MethodNotAllowed = "method_not_allowed", 405, "Method not allowed",
        "Địa chỉ này không nhận phương thức yêu cầu đó.";
    /// A 406 answered without a code of its own.
    NotAcceptable = "not_acceptable", 406, "Not acceptable",
        "Không trả lời được theo định dạng yêu cầu.";
    /// A 408 answered without a code of its own.
    RequestTimeout = "request_timeout", 408, "Request timeout",
        "Yêu cầu quá thời gian chờ.";
    /// The request body stopped arriving; nothing of it was kept.
    BodyTimeout = "body_timeout", 408, "Body timeout",
        "Nội dung yêu cầu ngừng gửi giữa chừng; không có gì được lưu.";

    // 409 Conflict

    /// The dossier changed meanwhile (a concurrent write won); read it again. Also a 409
    /// answered without a code of its own.
    Conflict = "conflict", 409, "Conflict",
        "Hồ sơ vừa được thay đổi; hãy đọc lại rồi thực hiện lại.";
    /// The dossier, its form or its documents cannot be changed by the caller in its state.
    DossierNotEditable = "dossier_not_editable", 409, "Dossier not editable",
        "Hồ sơ không còn sửa được ở trạng thái hiện tại.";
    /// The draft kept changing while it was being submitted; submit it again.
    DossierChanging = "dossier_changing", 409, "Dossier changing",
        "Hồ sơ thay đổi liên tục trong lúc nộp; hãy nộp lại.";
    /// The dossier was already submitted.
    AlreadySubmitted = "already_submitted", 409, "Already submitted",
        "Hồ sơ đã được nộp.";
    /// The action is not one the dossier's state allows; the problem lists what is.
    ActionNotAllowed = "action_not_allowed", 409, "Action not allowed",
        "Thao tác này không được phép ở trạng thái hiện tại của hồ sơ.";
    /// Another staff member holds the dossier.
    AssignedToAnother = "assigned_to_another", 409, "Assigned to another",
        "Hồ sơ đang do cán bộ khác xử lý.";
    /// The action was already taken in this step, and is taken once.
    ActionAlreadyTaken = "action_already_taken", 409, "Action already taken",
        "Thao tác này chỉ được thực hiện một lần và đã được thực hiện.";
    /// No apology now: one was already issued, it is too late before the return date, the
    /// new date is not later, or the dossier's clock is not running.
    ApologyRefused = "apology_refused", 409, "Apology refused",
        "Không lập được văn bản xin lỗi và hẹn lại lúc này (đã lập, quá muộn, ngày hẹn mới không sau ngày cũ, hoặc hồ sơ không đang tính thời hạn).";
    /// A finished dossier, which is in no queue.
    DossierClosed = "dossier_closed", 409, "Dossier closed",
        "Hồ sơ đã kết thúc, không còn trong hàng đợi.";
    /// A draft, which is in no queue until it is submitted.
    NotInQueue = "not_in_queue", 409, "Not in queue",
        "Hồ sơ nháp chưa vào hàng đợi nào cho đến khi được nộp.";
    /// Giving back a dossier nobody holds.
    NotClaimed = "not_claimed", 409, "Not claimed",
        "Chưa có ai nhận xử lý hồ sơ này.";
    /// Retrying or dropping an outbox message that was already delivered or dropped.
    OutboxMessageSettled = "outbox_message_settled", 409, "Outbox message settled",
        "Thông điệp đồng bộ này đã được gửi hoặc đã bị bỏ; không thử lại hay bỏ được nữa.";
    /// A result attached by someone, or in a step, that does not issue it.
    ResultNotExpected = "result_not_expected", 409, "Result not expected",
        "Bước này hoặc người này không ban hành kết quả.";
    /// A fee of the dossier is due and not paid: the action (or the submission) waits for
    /// it. The detail names the bill.
    PaymentRequired = "payment_required", 409, "Payment required",
        "Hồ sơ còn phí, lệ phí chưa thanh toán; hồ sơ được xử lý tiếp sau khi thanh toán.";
    /// A payment asked for when the dossier owes nothing now.
    NothingToPay = "nothing_to_pay", 409, "Nothing to pay",
        "Hồ sơ hiện không có khoản phí, lệ phí nào cần thanh toán.";
    /// A payment platform's callback that does not match what the engine asked (its MAC,
    /// partner, reference, amount or currency), or a second, different outcome of a payment
    /// already paid: nothing changed.
    PaymentCallbackRefused = "payment_callback_refused", 409, "Payment callback refused",
        "Thông báo thanh toán không khớp với giao dịch đã tạo; không có gì thay đổi.";
    /// The procedure's result must carry the agency's digital signature and it cannot be
    /// given one: no signing key is configured, or the result was uploaded unsigned.
    ResultSignatureRequired = "result_signature_required", 409, "Result signature required",
        "Kết quả của thủ tục này phải được ký số; chưa thể ký số kết quả này.";

    // 410 Gone

    /// A 410 answered without a code of its own.
    Gone = "gone", 410, "Gone",
        "Tài nguyên không còn nữa.";
    /// The dossier was anonymised when its retention ended; what named the applicant is gone.
    DossierAnonymised = "dossier_anonymised", 410, "Dossier anonymised",
        "Hồ sơ đã được ẩn danh khi hết thời hạn lưu giữ; thông tin cá nhân trong hồ sơ không còn.";
    /// The document was erased when its dossier's retention ended.
    DocumentErased = "document_erased", 410, "Document erased",
        "Tài liệu đã bị xóa khi hồ sơ hết thời hạn lưu giữ.";

    // 411, 413, 414, 415

    /// A 411 answered without a code of its own.
    LengthRequired = "length_required", 411, "Length required",
        "Yêu cầu cần có độ dài nội dung (Content-Length).";
    /// A request body over the engine's limit (announced or read), or a 413 answered without
    /// a code of its own.
    BodyTooLarge = "body_too_large", 413, "Body too large",
        "Nội dung yêu cầu quá lớn.";
    /// An uploaded file (a document or a result) over its requirement's limit; nothing was
    /// kept. Shares its wire name with [`Code::ReusedFileTooLarge`].
    FileTooLarge = "file_too_large", 413, "File too large",
        "Tệp quá lớn so với giới hạn của giấy tờ này; không có gì được lưu.";
    /// A request target over the engine's limit.
    UriTooLong = "uri_too_long", 414, "URI too long",
        "Địa chỉ yêu cầu quá dài.";
    /// A body not sent as JSON where JSON is expected, or a 415 answered without a code of
    /// its own.
    UnsupportedMediaType = "unsupported_media_type", 415, "Unsupported media type",
        "Nội dung cần gửi dưới dạng JSON.";
    /// An upload (a document or a result) of a media type the requirement does not accept.
    /// Shares its wire name with [`Code::ReusedMediaTypeNotAccepted`].
    MediaTypeNotAccepted = "media_type_not_accepted", 415, "Media type not accepted",
        "Loại tệp không được chấp nhận cho giấy tờ này.";

    // 422 Unprocessable Content

    /// A 422 answered without a code of its own.
    Unprocessable = "unprocessable", 422, "Unprocessable content",
        "Không xử lý được nội dung yêu cầu.";
    /// The request or the dossier's data breaks the procedure's rules; the problem lists
    /// each failing field.
    ValidationFailed = "validation_failed", 422, "Validation failed",
        "Thông tin chưa hợp lệ: xem từng mục cần sửa.";
    /// JSON of the wrong shape for the operation.
    InvalidBody = "invalid_body", 422, "Invalid body",
        "Nội dung yêu cầu không đúng cấu trúc của thao tác này.";
    /// A parameter, path segment or body string holds text the database cannot store (a
    /// NUL, an unpaired surrogate, bytes that are not UTF-8).
    UnstorableText = "unstorable_text", 422, "Unstorable text",
        "Có văn bản chứa ký tự không lưu được (ký tự điều khiển, ký tự không hợp lệ).";
    /// An `Idempotency-Key` already used for a different request.
    IdempotencyKeyReused = "idempotency_key_reused", 422, "Idempotency key reused",
        "Khóa Idempotency-Key này đã dùng cho một yêu cầu khác.";
    /// The caller's personal identification number is refused.
    InvalidPin = "invalid_pin", 422, "Invalid personal identification number",
        "Số định danh cá nhân không hợp lệ.";
    /// A change to fields that come from the population register.
    PrefilledFieldLocked = "prefilled_field_locked", 422, "Prefilled field locked",
        "Thông tin lấy từ Cơ sở dữ liệu quốc gia về dân cư không sửa được ở đây.";
    /// The procedure is not taken through this channel (e.g. at the counter).
    ChannelNotOffered = "channel_not_offered", 422, "Channel not offered",
        "Thủ tục này không nhận hồ sơ qua kênh này.";
    /// The population register has no record of the person; the problem lists the
    /// documents to bring instead.
    NotInRegister = "not_in_register", 422, "Not in the population register",
        "Không tìm thấy người này trong Cơ sở dữ liệu quốc gia về dân cư; có thể nộp giấy tờ thay thế.";
    /// The population register records the person as deceased.
    PersonDeceased = "person_deceased", 422, "Person deceased",
        "Cơ sở dữ liệu quốc gia về dân cư ghi nhận người này đã mất.";
    /// An uploaded file with no bytes.
    EmptyFile = "empty_file", 422, "Empty file",
        "Tệp không có nội dung.";
    /// An uploaded file whose bytes are not of the media type it was declared.
    ContentMismatch = "content_mismatch", 422, "Content mismatch",
        "Nội dung tệp không đúng loại tệp đã khai.";
    /// A stored document, reused for a requirement, of a media type the requirement does not
    /// accept: the request (JSON naming the document) is fine, so 422 and not 415. Shares
    /// its wire name with [`Code::MediaTypeNotAccepted`].
    ReusedMediaTypeNotAccepted = "media_type_not_accepted", 422, "Media type not accepted",
        "Loại của tài liệu được dùng lại không được chấp nhận cho giấy tờ này.";
    /// A stored document, reused for a requirement, over the requirement's limit: the
    /// request is small, so 422 and not 413. Shares its wire name with
    /// [`Code::FileTooLarge`].
    ReusedFileTooLarge = "file_too_large", 422, "File too large",
        "Tài liệu được dùng lại quá lớn so với giới hạn của giấy tờ này.";
    /// A result code that is not 1 to 64 letters, digits, `-`, `.`, `_` or `/`.
    InvalidResultCode = "invalid_result_code", 422, "Invalid result code",
        "Mã kết quả chỉ gồm từ 1 đến 64 chữ cái, chữ số hoặc các ký tự - . _ /.";
    /// The action issues a result, and no result document is attached yet.
    ResultDocumentMissing = "result_document_missing", 422, "Result document missing",
        "Cần đính kèm kết quả điện tử trước khi ban hành.";
    /// Handing a dossier to someone the engine does not know as staff.
    UnknownStaffMember = "unknown_staff_member", 422, "Unknown staff member",
        "Không có cán bộ này trong hệ thống.";
    /// Handing a dossier to staff of another agency than the dossier's.
    NotInAgency = "not_in_agency", 422, "Not in the agency",
        "Cán bộ này không thuộc cơ quan của hồ sơ.";
    /// Handing a dossier to staff without the role that works its state.
    NoRoleForState = "no_role_for_state", 422, "No role for the state",
        "Cán bộ này không có vai trò xử lý bước hiện tại của hồ sơ.";

    // 429, 431

    /// Too many requests (or logins) from the account or address; `Retry-After` says when.
    RateLimited = "rate_limited", 429, "Rate limited",
        "Quá nhiều yêu cầu trong thời gian ngắn; hãy thử lại sau ít phút.";
    /// The request's headers over the engine's limit.
    HeadersTooLarge = "headers_too_large", 431, "Headers too large",
        "Phần đầu (header) của yêu cầu quá lớn.";

    /// Any other 4xx answered without a code of its own. Answered with the status of the
    /// answer it replaces; 400 stands for it here.
    RequestRefused = "request_refused", 400, "Request refused",
        "Yêu cầu bị từ chối.";

    // 5xx

    /// An unexpected failure, logged with its cause and answered opaquely. Also any other
    /// 5xx answered without a code of its own, with that answer's status.
    InternalError = "internal_error", 500, "Internal error",
        "Đã xảy ra lỗi ngoài dự kiến; lỗi đã được ghi lại.";
    /// A 501 answered without a code of its own.
    NotImplemented = "not_implemented", 501, "Not implemented",
        "Chức năng này chưa có.";
    /// A 502 answered without a code of its own.
    BadGateway = "bad_gateway", 502, "Bad gateway",
        "Một dịch vụ phía sau trả lời không hợp lệ.";
    /// A service the engine needs (the database, the identity provider, the document
    /// storage, the legal calendar) is unavailable; nothing was done.
    ServiceUnavailable = "service_unavailable", 503, "Service unavailable",
        "Một dịch vụ hệ thống cần đang tạm thời không dùng được; chưa có gì được thực hiện, hãy thử lại sau ít phút.";
    /// The population register cannot be reached; nothing was created.
    RegisterUnavailable = "register_unavailable", 503, "Register unavailable",
        "Chưa kết nối được Cơ sở dữ liệu quốc gia về dân cư; chưa có gì được tạo, hãy thử lại sau ít phút.";
    /// Online payment is not configured on this engine.
    PaymentsUnavailable = "payments_unavailable", 503, "Payments unavailable",
        "Chưa kết nối được nền tảng thanh toán trực tuyến; hãy thanh toán tại bộ phận một cửa hoặc thử lại sau.";
    /// The engine is at capacity and did not take the request on; send it again shortly.
    Overloaded = "overloaded", 503, "Overloaded",
        "Hệ thống đang quá tải và chưa nhận yêu cầu; hãy gửi lại sau ít giây.";
    /// A 504 answered without a code of its own.
    GatewayTimeout = "gateway_timeout", 504, "Gateway timeout",
        "Một dịch vụ phía sau không trả lời kịp.";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// The variants that share a wire name (see the module documentation).
    const SHARED_WIRE_NAMES: [[Code; 2]; 2] = [
        [Code::FileTooLarge, Code::ReusedFileTooLarge],
        [Code::MediaTypeNotAccepted, Code::ReusedMediaTypeNotAccepted],
    ];

    #[test]
    fn all_lists_every_variant_once_in_declaration_order() {
        // `ALL` and the enum come from one list (`codes!`); this checks that each variant's
        // discriminant is its place in `ALL`, so none is missing or repeated.
        for (i, code) in Code::ALL.iter().enumerate() {
            assert_eq!(*code as usize, i, "{code:?}");
        }
    }

    #[test]
    fn wire_names_are_snake_case_and_unique_but_the_documented_pairs() {
        let mut by_name: BTreeMap<&str, Vec<Code>> = BTreeMap::new();
        for &code in Code::ALL {
            let name = code.as_str();
            let snake = !name.is_empty()
                && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
                && !name.starts_with('_')
                && !name.ends_with('_')
                && !name.contains("__");
            assert!(snake, "{code:?}: {name:?} is not snake_case");
            assert_eq!(code.to_string(), name);
            by_name.entry(name).or_default().push(code);
        }
        for (name, codes) in by_name {
            if codes.len() > 1 {
                assert!(
                    SHARED_WIRE_NAMES.iter().any(|pair| pair[..] == codes[..]),
                    "{name:?} is the wire name of {codes:?}"
                );
            }
        }
        for [a, b] in SHARED_WIRE_NAMES {
            assert_eq!(a.as_str(), b.as_str());
            assert_ne!(a.status(), b.status(), "{a:?} and {b:?} would be one code");
        }
    }

    #[test]
    fn statuses_are_errors_and_titles_are_given() {
        for &code in Code::ALL {
            assert!((400..600).contains(&code.status()), "{code:?}");
            assert!(!code.title().is_empty(), "{code:?}");
            assert!(code.vietnamese().ends_with('.'), "{code:?}");
        }
    }
}
