using System.ComponentModel;
using System.Security.Claims;
using MikuCloud.Api.Conversations;
using MikuCloud.Api.Knowledge;
using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace MikuCloud.Api.Mcp;

/// <summary>
/// The MCP tool over knowledge bases: an agent host searches the caller's bases (and the shared ones) as
/// <c>POST /api/knowledge/search</c> does, through the same <see cref="KnowledgeSearch"/>: the same checks, the same
/// ownership (a base the caller cannot read is unknown), the same ranking.
/// </summary>
[McpServerToolType]
public sealed class KnowledgeTools(KnowledgeSearch search)
{
    [McpServerTool(Name = "search_knowledge", ReadOnly = true, Title = "Search knowledge bases / 搜索知识库")]
    [Description("Find the passages of your knowledge bases (and the shared ones) that best answer a query: each with its document, page, " +
                 "section heading and text, best first. 在你的知识库（及共享知识库）中检索最能回答问题的段落，附文档、页码、标题与原文。")]
    public async Task<KnowledgeSearchResult> SearchKnowledgeAsync(ClaimsPrincipal user,
        [Description("What to look for, 1–2,000 characters. 要检索的内容。")] string query,
        [Description("Knowledge base ids to search (default: every base you can read). 知识库 id（默认：全部可读知识库）。")] Guid[]? baseIds = null,
        [Description("How many passages, 1–50 (default 5). 返回段落数（默认 5）。")] int? top = null,
        CancellationToken cancellationToken = default)
    {
        try
        {
            return await search.SearchAsync(CurrentOwner.Of(user), new KnowledgeSearchRequest(query, baseIds, top), cancellationToken);
        }
        catch (ApiProblem problem)
        {
            // The host shows the tool's error to its model and user: the same words the HTTP endpoint answers.
            throw new McpException($"{problem.Code}: {problem.Message}");
        }
    }
}
