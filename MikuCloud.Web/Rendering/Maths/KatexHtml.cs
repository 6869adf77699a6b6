namespace MikuCloud.Web.Rendering.Maths;

/// <summary>A formula as KaTeX rendered it (unsanitised), and whether the result may be cached.</summary>
public sealed record KatexHtml(string Html, bool Cacheable);
