using Microsoft.AspNetCore.OpenApi;

namespace MikuCloud.Api.Mcp;

/// <summary>The MCP server at <c>/mcp</c> (Streamable HTTP), behind the API's own authentication (personal API keys).</summary>
public static class McpSetup
{
    /// <summary>Where the MCP endpoint is mapped.</summary>
    public const string Path = "/mcp";

    public static IHostApplicationBuilder AddMcpDoor(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddMcpServer(o => o.ServerInfo = new() { Name = "MikuCloud", Version = "0.1.0" })
            // Stateless: every request stands alone, so any API replica answers any call (no session affinity).
            .WithHttpTransport(o => o.Stateless = true)
            .WithTools<VisionTools>()
            .WithTools<KnowledgeTools>();
        builder.Services.Configure<OpenApiOptions>("v1", o => o.AddDocumentTransformer<McpOpenApi>());
        return builder;
    }

    public static IEndpointRouteBuilder MapMcpDoor(this IEndpointRouteBuilder app)
    {
        // The API's fallback policy already requires a user; said here too, so the door cannot be opened by accident.
        app.MapMcp(Path).RequireAuthorization().WithTags("MCP");
        return app;
    }
}
