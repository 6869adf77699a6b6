using MikuCloud.Api.Turns;

namespace MikuCloud.Api.Mcp;

/// <summary>Reads a running turn to its end for a door that answers all at once: the text, or the failure as a refusal.</summary>
internal static class TurnAnswer
{
    public static async Task<string> TextAsync(TurnRun run, CancellationToken cancellationToken)
    {
        await using (run)
        {
            try
            {
                await foreach (var e in run.Events.WithCancellation(cancellationToken))
                {
                    switch (e)
                    {
                        case TurnEvent.AnswerDone done:
                            return done.Message.Content;
                        case TurnEvent.AnswerFailed failed:
                            throw new ApiProblem(502, failed.Error.Code, failed.Error.Message);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                run.Stop(); // the caller went away: Ollama stops at once
                throw;
            }
        }

        throw new ApiProblem(502, ProblemCodes.IncompleteAnswer, "The answer ended without finishing.");
    }
}
