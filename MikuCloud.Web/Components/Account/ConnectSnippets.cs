namespace MikuCloud.Web.Components.Account;

/// <summary>
/// The "connect your tools" snippets of the Account page: the OpenAI SDKs (Python, JavaScript, .NET), curl, and an
/// MCP client configuration, for this server's public API address and a model id. Code, not prose: the same in every
/// UI language; the key is a placeholder (<c>MIKU_KEY</c>), never the user's key.
/// </summary>
public static class ConnectSnippets
{
    /// <summary>The environment variable the snippets read the key from.</summary>
    public const string KeyVariable = "MIKU_KEY";

    /// <summary>One snippet: an id for the page (and tests), a label, the code.</summary>
    public sealed record Snippet(string Id, string Label, string Code);

    /// <summary>The snippets for <paramref name="apiUrl"/> (no trailing slash) and <paramref name="model"/>.</summary>
    public static IReadOnlyList<Snippet> For(string apiUrl, string model)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(apiUrl);
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        var v1 = apiUrl.TrimEnd('/') + "/v1";
        var mcp = apiUrl.TrimEnd('/') + "/mcp";
        return
        [
            new("python", "Python (openai)", $$"""
                import os
                from openai import OpenAI

                client = OpenAI(base_url="{{v1}}", api_key=os.environ["{{KeyVariable}}"])
                answer = client.chat.completions.create(
                    model="{{model}}",
                    messages=[{"role": "user", "content": "你好！"}],
                )
                print(answer.choices[0].message.content)
                """),
            new("javascript", "JavaScript (openai)", $$"""
                import OpenAI from "openai";

                const client = new OpenAI({ baseURL: "{{v1}}", apiKey: process.env.{{KeyVariable}} });
                const answer = await client.chat.completions.create({
                  model: "{{model}}",
                  messages: [{ role: "user", content: "你好！" }],
                });
                console.log(answer.choices[0].message.content);
                """),
            new("dotnet", ".NET (OpenAI)", $$"""
                using System.ClientModel;
                using OpenAI;
                using OpenAI.Chat;

                var client = new ChatClient("{{model}}", new ApiKeyCredential(Environment.GetEnvironmentVariable("{{KeyVariable}}")!),
                    new OpenAIClientOptions { Endpoint = new Uri("{{v1}}") });
                ChatCompletion answer = await client.CompleteChatAsync("你好！");
                Console.WriteLine(answer.Content[0].Text);
                """),
            new("curl", "curl", $$"""
                curl {{v1}}/chat/completions \
                  -H "Authorization: Bearer ${{KeyVariable}}" -H "Content-Type: application/json" \
                  -d '{"model": "{{model}}", "messages": [{"role": "user", "content": "你好！"}]}'
                """),
            new("mcp", "MCP (VS Code .vscode/mcp.json)", $$"""
                {
                  "servers": {
                    "mikucloud": {
                      "type": "http",
                      "url": "{{mcp}}",
                      "headers": { "Authorization": "Bearer ${input:miku-key}" }
                    }
                  },
                  "inputs": [
                    { "id": "miku-key", "type": "promptString", "description": "MikuCloud API key (mkc_…)", "password": true }
                  ]
                }
                """),
        ];
    }
}
