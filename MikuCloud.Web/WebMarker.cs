namespace MikuCloud.Web;

/// <summary>Entry-point marker for <c>WebApplicationFactory</c> (the API has its own <c>Program</c>).</summary>
public sealed class WebMarker;
