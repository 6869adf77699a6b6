using System.Text.Json.Nodes;

namespace MikuCloud.Tests.Api;

/// <summary>
/// Every operation in <c>/openapi/v1.json</c>, for the sweeps that must cover what is documented (a new endpoint joins
/// them by being documented), and the ids that go into their paths.
/// </summary>
public static class OpenApiOperations
{
    /// <summary>Reads the document (it is public) and lists its operations with the properties of their JSON bodies.</summary>
    public static async Task<List<OpenApiOperation>> ReadAsync(HttpClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var doc = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json", cancellationToken))!;
        var operations = new List<OpenApiOperation>();
        foreach (var (path, item) in doc["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                if (method is not ("get" or "post" or "put" or "patch" or "delete"))
                {
                    continue;
                }

                var body = operation!["requestBody"]?["content"];
                var schema = body?["application/json"]?["schema"] ?? body?["multipart/form-data"]?["schema"];
                operations.Add(new OpenApiOperation(method.ToUpperInvariant(), path, Properties(doc, schema))
                {
                    HasBody = body is not null,
                    QueryParameters = operation["parameters"]?.AsArray().Where(p => p?["in"]?.GetValue<string>() == "query").Select(p => p!["name"]!.GetValue<string>()).ToList() ?? [],
                });
            }
        }

        return operations;
    }

    /// <summary>
    /// The path with its ids: <c>{messageId}</c>, <c>{itemId}</c> (a batch item: <c>batchItem</c>), a model's <c>{name}</c>, a page's
    /// <c>{number}</c> (1) and the <c>{id}</c> of the resource the path names (conversation, image, key, user, batch, knowledgeBase,
    /// knowledgeDocument, chunk: a number), from <paramref name="ids"/>. A path the sweeps do not know fails, so they get taught.
    /// </summary>
    public static string Fill(string path, IReadOnlyDictionary<string, string> ids)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(ids);
        var filled = path.Replace("{messageId}", ids["message"], StringComparison.Ordinal)
            .Replace("{itemId}", ids.GetValueOrDefault("batchItem") ?? Guid.Empty.ToString(), StringComparison.Ordinal)
            // A document's page: the first, which every read document has.
            .Replace("{number}", "1", StringComparison.Ordinal)
            // A house model's {name}: the catalog is the same for everyone (nothing is owned), so the default one stands for all.
            .Replace("{name}", "miku-vl", StringComparison.Ordinal);
        var kind = path switch
        {
            _ when path.StartsWith("/api/conversations/", StringComparison.Ordinal) => "conversation",
            _ when path.StartsWith("/api/images/", StringComparison.Ordinal) => "image",
            _ when path.StartsWith("/api/batches/", StringComparison.Ordinal) => "batch",
            _ when path.StartsWith("/api/keys/", StringComparison.Ordinal) => "key",
            _ when path.StartsWith("/api/knowledge/bases/", StringComparison.Ordinal) => "knowledgeBase",
            _ when path.StartsWith("/api/knowledge/documents/", StringComparison.Ordinal) => "knowledgeDocument",
            _ when path.StartsWith("/api/knowledge/chunks/", StringComparison.Ordinal) => "chunk",
            _ when path.StartsWith("/api/admin/users/", StringComparison.Ordinal) => "user",
            // Model ids are the same catalog for everyone (nothing is owned): the default one stands for all.
            _ when path.StartsWith("/v1/models/", StringComparison.Ordinal) => "model",
            _ when path.StartsWith("/api/admin/models/", StringComparison.Ordinal) => null,
            _ when path.Contains('{', StringComparison.Ordinal) => throw new InvalidOperationException($"Teach the sweep which id {path} takes."),
            _ => null,
        };
        filled = kind is null ? filled : filled.Replace("{id}", ids.TryGetValue(kind, out var id) ? id : kind == "model" ? "miku-vl" : ids[kind], StringComparison.Ordinal);
        Assert.DoesNotContain("{", filled, StringComparison.Ordinal);
        return filled;
    }

    private static List<string> Properties(JsonNode doc, JsonNode? schema)
    {
        if (schema?["$ref"]?.GetValue<string>() is { } reference && reference.StartsWith("#/components/schemas/", StringComparison.Ordinal))
        {
            schema = doc["components"]?["schemas"]?[reference["#/components/schemas/".Length..]];
        }

        return schema?["properties"]?.AsObject().Select(p => p.Key).ToList() ?? [];
    }
}
