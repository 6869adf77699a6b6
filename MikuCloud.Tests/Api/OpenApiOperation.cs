namespace MikuCloud.Tests.Api;

/// <summary>One operation of the API's own OpenAPI document.</summary>
/// <param name="Method">Upper case, e.g. <c>PATCH</c>.</param>
/// <param name="Path">As documented, e.g. <c>/api/conversations/{id}</c>.</param>
/// <param name="BodyProperties">The JSON properties its request body documents (empty when it takes no body).</param>
public sealed record OpenApiOperation(string Method, string Path, IReadOnlyList<string> BodyProperties)
{
    public bool HasBody { get; init; }

    /// <summary>The names of the query parameters it documents.</summary>
    public IReadOnlyList<string> QueryParameters { get; init; } = [];

    public override string ToString() => $"{Method} {Path}";
}
