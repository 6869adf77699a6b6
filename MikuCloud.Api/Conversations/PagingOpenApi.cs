using System.Globalization;
using Microsoft.OpenApi;

namespace MikuCloud.Api.Conversations;

/// <summary>How the paged endpoints describe their <c>limit</c> in the OpenAPI document.</summary>
internal static class PagingOpenApi
{
    /// <summary><c>limit</c> is bound as text (so a bad value is a 400 with <c>errors.limit</c>) but documented as the integer it is.</summary>
    internal static RouteHandlerBuilder WithLimitAsInteger(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>().Where(p => p.Name == "limit"))
            {
                parameter.Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Integer,
                    Format = "int32",
                    Minimum = "1",
                    Maximum = Paging.MaxLimit.ToString(CultureInfo.InvariantCulture),
                    Default = Paging.DefaultLimit,
                };
            }

            return Task.CompletedTask;
        });
}
