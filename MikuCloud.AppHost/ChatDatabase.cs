using Aspire.Hosting.ApplicationModel;

namespace MikuCloud.AppHost;

/// <summary>The chat history database the API uses (<c>ConnectionStrings:chatdb</c>).</summary>
public static class ChatDatabaseExtensions
{
    /// <summary>The connection name the API reads.</summary>
    public const string Name = "chatdb";

    /// <summary>
    /// A SQLite file under the AppHost's <c>.data/</c> folder when running locally; a connection string
    /// parameter when publishing (deployments bring their own database).
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddChatDatabase(this IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.ExecutionContext.IsPublishMode || !string.IsNullOrWhiteSpace(builder.Configuration[$"ConnectionStrings:{Name}"]))
        {
            return builder.AddConnectionString(Name);
        }

        var folder = Path.Combine(builder.AppHostDirectory, ".data");
        Directory.CreateDirectory(folder);
        return builder.AddConnectionString(Name, ReferenceExpression.Create($"Data Source={Path.Combine(folder, "mikucloud.db")}"));
    }
}
