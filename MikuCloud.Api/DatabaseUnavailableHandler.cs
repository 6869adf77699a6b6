using System.Data.Common;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.EntityFrameworkCore;

namespace MikuCloud.Api;

/// <summary>
/// A database that cannot be reached (PostgreSQL stopped, SQLite file locked for too long) is a 503 with
/// Retry-After and a clear message, not a 500: the request did nothing half-way (each write is one SaveChanges).
/// </summary>
public sealed class DatabaseUnavailableHandler(IProblemDetailsService problems, ILogger<DatabaseUnavailableHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsDatabaseOutage(exception) || httpContext.Response.HasStarted)
        {
            return false;
        }

        logger.LogWarning("Database unavailable: {Message}", exception.GetBaseException().Message);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = "5";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The database is unavailable.",
                Detail = "Chat history cannot be read or saved right now. Nothing was changed; please try again shortly.",
                Extensions = { ["code"] = ProblemCodes.DatabaseUnavailable },
            },
        });
    }

    internal static bool IsDatabaseOutage(Exception exception) =>
        exception switch
        {
            DbException => true,
            DbUpdateException { InnerException: DbException } => true,
            InvalidOperationException { InnerException: DbException } => true, // EF's "transient failure" wrapper
            TimeoutException => false,
            _ => exception.InnerException is { } inner && IsDatabaseOutage(inner),
        };
}
