namespace MikuCloud.Contracts;

/// <summary>
/// Every <c>code</c> the API answers: in a problem's <see cref="ProblemDto.Code"/> and in a chat stream's
/// <c>error</c> event. One list, so that the API, the Web and the tests compare against the same words; a client
/// branches on the code, never on the title or detail (those are for people and may change).
/// </summary>
public static class ProblemCodes
{
    // Bad input (400/408/413/415): never a 5xx.

    /// <summary>400: one or more fields are not valid; <see cref="ProblemDto.Errors"/> names them.</summary>
    public const string InvalidRequest = "invalid_request";

    /// <summary>400: some chat <c>options</c> (Ollama parameters) are unknown or out of range; <see cref="ProblemDto.Errors"/> names them.</summary>
    public const string InvalidOptions = "invalid_options";

    /// <summary>400: the body is not JSON, or not the JSON this operation takes.</summary>
    public const string MalformedJson = "malformed_json";

    /// <summary>400 (or the 4xx Kestrel saw): the body ended early, is malformed multipart, or is missing.</summary>
    public const string MalformedRequest = "malformed_request";

    /// <summary>400: text that is not valid Unicode (invalid UTF-8, unpaired surrogates).</summary>
    public const string InvalidText = "invalid_text";

    /// <summary>415: the body's content type is not one this operation takes.</summary>
    public const string UnsupportedMediaType = "unsupported_media_type";

    /// <summary>413: the body (or one value in it) is larger than this operation accepts.</summary>
    public const string BodyTooLarge = "body_too_large";

    /// <summary>408: the body arrived slower than the server's minimum data rate.</summary>
    public const string BodyTooSlow = "body_too_slow";

    /// <summary>400: the conversation does not fit the model's context window.</summary>
    public const string ContextOverflow = "context_overflow";

    /// <summary>
    /// 400: the chat <c>model</c> is not one this install serves for chat: unknown, an optional model that is off, or
    /// an embedding model (<c>GET /api/models</c> lists the models and what each is for).
    /// </summary>
    public const string InvalidModel = "invalid_model";

    /// <summary>400: images were sent to a text-only model; pick a vision model (or send the text alone). Nothing was saved.</summary>
    public const string ModelNoVision = "model_no_vision";

    /// <summary>400: the preset does not apply to the chat model (<c>GET /api/models</c> lists each model's <c>presets</c>).</summary>
    public const string PresetNotForModel = "preset_not_for_model";

    // Images (400/413/415).

    /// <summary>413: an image is larger than the per-image limit.</summary>
    public const string ImageTooLarge = "image_too_large";

    /// <summary>415: an image is not JPEG, PNG, WebP or GIF (whatever its name or declared type).</summary>
    public const string ImageUnsupportedFormat = "image_unsupported_format";

    /// <summary>400: an image looks like a supported format but cannot be fully decoded.</summary>
    public const string ImageCorrupt = "image_corrupt";

    /// <summary>400: an image declares more pixels than the server decodes.</summary>
    public const string ImageTooManyPixels = "image_too_many_pixels";

    /// <summary>400: an image's long side is too many times its short side.</summary>
    public const string ImageBadAspectRatio = "image_bad_aspect_ratio";

    // Batch uploads: a file or zip entry refused alone, listed in the answer's refused files (never a 5xx).

    /// <summary>413: the upload has more files (zip entries included) than one upload may add.</summary>
    public const string BatchTooManyFiles = "batch_too_many_files";

    /// <summary>
    /// 413: a zip file, or one of its entries, is larger than allowed, expands too far (a zip bomb: too many bytes, too
    /// high a compression ratio) or lists too many entries. Counted while reading, whatever the zip's headers claim.
    /// </summary>
    public const string BatchZipTooLarge = "batch_zip_too_large";

    /// <summary>400: a zip entry is a symbolic link, or its path is absolute or leads out of the archive (<c>..</c>).</summary>
    public const string BatchZipUnsafe = "batch_zip_unsafe";

    /// <summary>400: a zip entry is itself a zip file; nested archives are not opened.</summary>
    public const string BatchZipNested = "batch_zip_nested";

    /// <summary>400: a zip file (or one of its entries) cannot be read: truncated, damaged, encrypted or an unsupported compression.</summary>
    public const string BatchZipCorrupt = "batch_zip_corrupt";

    // Knowledge documents: a file refused at upload, or the error of a document that failed to read (never a 5xx).

    /// <summary>415: the file is not text (UTF-8), Markdown, PDF, Word (DOCX), JPEG, PNG or WebP, judged by its bytes.</summary>
    public const string KnowledgeUnsupportedType = "knowledge_unsupported_type";

    /// <summary>400: the file cannot be read: truncated, damaged, password-protected, or text that is not valid UTF-8.</summary>
    public const string KnowledgeFileCorrupt = "knowledge_file_corrupt";

    /// <summary>
    /// 413: the file is larger than reading allows: too many pages, a page with too much text or content, or a Word
    /// document whose parts expand too far (a zip bomb).
    /// </summary>
    public const string KnowledgeFileTooLarge = "knowledge_file_too_large";

    // Not found (404; another user's ids answer the same).

    /// <summary>404: there is no such conversation (for this user).</summary>
    public const string ConversationNotFound = "conversation_not_found";

    /// <summary>404: there is no such message in this conversation.</summary>
    public const string MessageNotFound = "message_not_found";

    /// <summary>404: there is no such image (for this user).</summary>
    public const string ImageNotFound = "image_not_found";

    /// <summary>404: there is no such API key (for this user).</summary>
    public const string ApiKeyNotFound = "api_key_not_found";

    /// <summary>404: there is no such user.</summary>
    public const string UserNotFound = "user_not_found";

    /// <summary>404: there is no such batch (for this user), or no such item in it.</summary>
    public const string BatchNotFound = "batch_not_found";

    // Conflicts (409).

    /// <summary>409: only the chosen branch's last answer (or its last question) can be regenerated.</summary>
    public const string NotLastTurn = "not_last_turn";

    /// <summary>
    /// 409: only an answer cut off (<c>truncated</c>) or stopped (<c>cancelled</c>, <c>interrupted</c>), with nothing after
    /// it, can be continued.
    /// </summary>
    public const string NotContinuable = "not_continuable";

    /// <summary>409: an answer is still being generated in this conversation.</summary>
    public const string AnswerInProgress = "answer_in_progress";

    /// <summary>409: the user already has the most active API keys allowed.</summary>
    public const string TooManyKeys = "too_many_keys";

    /// <summary>409: this install already has an admin; setup is done.</summary>
    public const string SetupDone = "setup_done";

    /// <summary>409: that user name is taken.</summary>
    public const string UserNameTaken = "user_name_taken";

    /// <summary>409: items can be added only to a draft batch (created with <c>start=false</c>).</summary>
    public const string BatchNotDraft = "batch_not_draft";

    /// <summary>409: the batch has no items to start with.</summary>
    public const string BatchEmpty = "batch_empty";

    /// <summary>409: the batch is finished (completed, cancelled or failed): nothing is left to start or cancel.</summary>
    public const string BatchFinished = "batch_finished";

    /// <summary>409: only a failed or cancelled batch item whose image is still stored can be retried.</summary>
    public const string BatchItemNotRetryable = "batch_item_not_retryable";

    // Limits (429 with Retry-After).

    /// <summary>429: the user has too many answers streaming at once.</summary>
    public const string TooManyStreams = "too_many_streams";

    /// <summary>
    /// 429: all generation slots are busy (nothing saved), or the model server's queue is full (the question is saved;
    /// <see cref="ProblemDto.MessageId"/> says which, retry with regenerate). Also a stream's <c>error</c> code.
    /// </summary>
    public const string Busy = "busy";

    /// <summary>429: the user's token budget for the window is spent.</summary>
    public const string TokenLimit = "token_limit";

    /// <summary>429: the user's image quota for the window is spent.</summary>
    public const string ImageQuota = "image_quota";

    /// <summary>429: too many requests from this user.</summary>
    public const string RateLimited = "rate_limited";

    /// <summary>429: a batch may hold no more items (<c>Batches:MaxItemsPerBatch</c>); nothing of the upload was kept.</summary>
    public const string BatchItemLimit = "batch_item_limit";

    /// <summary>429: the user stores as many unanswered batch images as allowed; waiting lets running batches make room.</summary>
    public const string BatchStorageQuota = "batch_storage_quota";

    /// <summary>429: the user has as many unfinished batches as allowed.</summary>
    public const string TooManyBatches = "too_many_batches";

    /// <summary>429: too many failed sign-ins for this user name.</summary>
    public const string LoginThrottled = "login_throttled";

    // Authentication and accounts (400/401/403).

    /// <summary>401: no credentials were sent (or the API cannot check tokens).</summary>
    public const string Unauthenticated = "unauthenticated";

    /// <summary>401: the API key is not valid or has been revoked.</summary>
    public const string InvalidApiKey = "invalid_api_key";

    /// <summary>401: the API key has expired.</summary>
    public const string ApiKeyExpired = "api_key_expired";

    /// <summary>401: the user token is not valid, has expired, or names no user.</summary>
    public const string InvalidToken = "invalid_token";

    /// <summary>401: the session has ended (signed out everywhere, or the account changed); sign in again.</summary>
    public const string SessionExpired = "session_expired";

    /// <summary>401 (a credential of a disabled account) or 403 (signing in to one): the account is disabled.</summary>
    public const string AccountDisabled = "account_disabled";

    /// <summary>401: single-user mode answers loopback callers only.</summary>
    public const string SingleUserLoopbackOnly = "single_user_loopback_only";

    /// <summary>403: this account may not do that (an admin operation).</summary>
    public const string Forbidden = "forbidden";

    /// <summary>401: the user name or password is wrong.</summary>
    public const string InvalidCredentials = "invalid_credentials";

    /// <summary>403: sign-up is closed on this install.</summary>
    public const string SignupDisabled = "signup_disabled";

    /// <summary>400: an admin cannot disable their own account.</summary>
    public const string CannotDisableSelf = "cannot_disable_self";

    /// <summary>400: the change would leave no enabled admin.</summary>
    public const string LastAdmin = "last_admin";

    /// <summary>409: a required house model cannot be turned off (only <c># optional: true</c> models can).</summary>
    public const string ModelRequired = "model_required";

    // Answers of the framework itself (no operation refused anything): the code says which.

    /// <summary>404: no operation has this path.</summary>
    public const string NotFound = "not_found";

    /// <summary>405: the path exists but not with this method.</summary>
    public const string MethodNotAllowed = "method_not_allowed";

    /// <summary>500: the server failed unexpectedly (a defect; the log has the details).</summary>
    public const string InternalError = "internal_error";

    /// <summary>Any other status the framework answered without a reason of the API's own.</summary>
    public const string RequestFailed = "request_failed";

    // The server's dependencies (503), and how a streamed answer ends badly (a stream's error event).

    /// <summary>503 with Retry-After: the database cannot be reached; nothing was changed.</summary>
    public const string DatabaseUnavailable = "database_unavailable";

    /// <summary>503 with Retry-After: scale-out's shared store (Redis) cannot be reached, so limits cannot be counted; nothing was changed.</summary>
    public const string SharedStateUnavailable = "shared_state_unavailable";

    /// <summary>503 or a stream's <c>error</c>: the model is not available yet (still downloading?).</summary>
    public const string ModelUnavailable = "model_unavailable";

    /// <summary>503 or a stream's <c>error</c>: the model server cannot be reached.</summary>
    public const string OllamaUnreachable = "ollama_unreachable";

    /// <summary>503 or a stream's <c>error</c>: the model server answered with an error, or the connection broke.</summary>
    public const string ModelError = "model_error";

    /// <summary>503 or a stream's <c>error</c>: the model server's answer ended before it was complete.</summary>
    public const string IncompleteAnswer = "incomplete_answer";

    /// <summary>503 or a stream's <c>error</c>: the model server sent a response that could not be read.</summary>
    public const string BadResponse = "bad_response";

    /// <summary>503 or a stream's <c>error</c>: the model server stopped sending (stall detection).</summary>
    public const string Stalled = "stalled";

    /// <summary>A stream's <c>error</c>: the answer ran longer than the longest turn allowed and was stopped.</summary>
    public const string TooLong = "too_long";

    /// <summary>A batch item's error: the batch has a schema and the answer is not valid JSON.</summary>
    public const string InvalidJsonAnswer = "invalid_json_answer";

    /// <summary>A saved answer's error: the server restarted while it was being generated.</summary>
    public const string ServerRestarted = "server_restarted";

    /// <summary>A stream's <c>error</c>: the answer was stopped (by the user, or the client went away).</summary>
    public const string Cancelled = "cancelled";

    // The OpenAI-compatible door (/v1): these travel as the "code" of OpenAI's error shape.

    /// <summary>
    /// 404 on <c>/v1</c>: the <c>model</c> is not one <c>GET /v1/models</c> lists; on <c>/api/admin/models/{name}</c>:
    /// no house model has that name.
    /// </summary>
    public const string ModelNotFound = "model_not_found";

    /// <summary>400: an <c>image_url</c> is an http(s) address and fetching images from URLs is off (an admin's switch).</summary>
    public const string ImageUrlNotAllowed = "image_url_not_allowed";

    /// <summary>400: an <c>image_url</c> (or a redirect it led to) points at an address that is not public (loopback,
    /// private, link-local, cloud metadata…) or at a scheme other than http(s); nothing was sent there.</summary>
    public const string ImageUrlBlocked = "image_url_blocked";

    /// <summary>400: an <c>image_url</c> could not be fetched: unreachable, an HTTP error, too many redirects, or too slow.</summary>
    public const string ImageUrlFetchFailed = "image_url_fetch_failed";

    // Knowledge bases: the knowledge API and ingestion (a refused file of an upload is listed with its code, never a 5xx).

    /// <summary>404: there is no such knowledge base (for this user: their own or a shared one; changing one needs its owner).</summary>
    public const string KnowledgeBaseNotFound = "knowledge_base_not_found";

    /// <summary>404: there is no such document, page or passage in a knowledge base this user can read.</summary>
    public const string KnowledgeDocumentNotFound = "knowledge_document_not_found";

    /// <summary>A refused file: the same file (by its SHA-256) is already in this knowledge base.</summary>
    public const string KnowledgeFileDuplicate = "knowledge_file_duplicate";

    /// <summary>A refused file: the knowledge base holds <c>Knowledge:MaxDocumentsPerBase</c> documents already.</summary>
    public const string KnowledgeDocumentLimit = "knowledge_document_limit";

    /// <summary>A refused file: its owner would store more than <c>Knowledge:MaxStoredBytesPerUser</c> of documents.</summary>
    public const string KnowledgeStorageQuota = "knowledge_storage_quota";

    /// <summary>A refused file: one upload adds at most <c>Knowledge:MaxFilesPerUpload</c> files.</summary>
    public const string KnowledgeTooManyFiles = "knowledge_too_many_files";

    /// <summary>409: the document is being read or indexed right now; re-index it once it is ready or failed.</summary>
    public const string KnowledgeDocumentBusy = "knowledge_document_busy";

    /// <summary>A document's error: reading it failed in a way no retry mends on its own (the message says what was wrong).</summary>
    public const string KnowledgeIngestionFailed = "knowledge_ingestion_failed";
}
