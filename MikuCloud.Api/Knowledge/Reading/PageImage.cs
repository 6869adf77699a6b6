namespace MikuCloud.Api.Knowledge;

/// <summary>
/// A page's image, already through the image pipeline (decoded, upright, scaled to the visual-token budget, re-encoded
/// without metadata): safe to store with the page and to send to the vision model.
/// </summary>
/// <param name="Data">The encoded image.</param>
/// <param name="MediaType"><c>image/jpeg</c> or <c>image/png</c>.</param>
public sealed record PageImage(byte[] Data, string MediaType);
