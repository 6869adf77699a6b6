namespace MikuCloud.Api.Knowledge;

/// <summary>
/// One page of a document as its reader sees it: the page's own text, or (a scan, a picture) no text and the image the
/// vision model should read instead.
/// </summary>
/// <param name="Number">From 1, as a reader counts pages.</param>
/// <param name="Text">The page's text in reading order (Markdown-like: <c>#</c> headings, <c>-</c> list items, <c>|</c> table rows); "" when it has none.</param>
/// <param name="ImageForVision">Set when the page has no usable text but an image: the ingestion asks the vision model to read it.</param>
public sealed record DocumentPage(int Number, string Text, PageImage? ImageForVision);
