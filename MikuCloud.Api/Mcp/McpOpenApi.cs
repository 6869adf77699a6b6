using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace MikuCloud.Api.Mcp;

/// <summary>
/// Documents <c>POST /mcp</c> in the OpenAPI document. The MCP SDK maps its endpoint as a plain request delegate,
/// which the document cannot see; described here, the door joins the ownership sweep and the hostile-body fuzz like
/// every other operation (a new door joins them by being documented).
/// </summary>
internal sealed class McpOpenApi : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Paths ??= [];
        document.Paths[McpSetup.Path] = new OpenApiPathItem
        {
            Operations = new Dictionary<HttpMethod, OpenApiOperation>
            {
                [HttpMethod.Post] = new()
                {
                    Summary = "The MCP server (Streamable HTTP, stateless): JSON-RPC 2.0 requests from an MCP client " +
                              "(initialize, tools/list, tools/call: describe_image, read_text, locate_objects, ask, search_knowledge).",
                    RequestBody = new OpenApiRequestBody
                    {
                        Required = true,
                        Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = JsonRpcRequest() } },
                    },
                    Responses = new OpenApiResponses
                    {
                        ["200"] = new OpenApiResponse
                        {
                            Description = "The JSON-RPC response, as a server-sent event stream or JSON (the client's Accept decides).",
                            Content = new Dictionary<string, OpenApiMediaType> { ["text/event-stream"] = new(), ["application/json"] = new() },
                        },
                        ["202"] = new OpenApiResponse { Description = "A notification was accepted." },
                        ["401"] = new OpenApiResponse { Description = "No personal API key, or not a valid one." },
                    },
                },
            },
        };
        return Task.CompletedTask;
    }

    private static OpenApiSchema JsonRpcRequest() => new()
    {
        Type = JsonSchemaType.Object,
        Required = new HashSet<string> { "jsonrpc", "method" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["jsonrpc"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["id"] = new OpenApiSchema { Type = JsonSchemaType.Integer },
            ["method"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["params"] = new OpenApiSchema { Type = JsonSchemaType.Object },
        },
    };
}
