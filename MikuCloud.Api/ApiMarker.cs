namespace MikuCloud.Api;

/// <summary>
/// Names the API assembly for <c>WebApplicationFactory</c> in tests (top-level <c>Program</c> classes of the API
/// and the Web would collide in a test project that references both).
/// </summary>
public sealed class ApiMarker;
