namespace MikuCloud.Cli.Batches;

/// <summary>
/// <c>miku batch ./photos -p …</c> means <c>miku batch run ./photos -p …</c>: Spectre.Console.Cli reads a branch's
/// first word as a command name, and a folder is not one.
/// </summary>
public static class BatchShorthand
{
    private static readonly HashSet<string> BranchWords = new(StringComparer.OrdinalIgnoreCase) { "run", "status", "cancel", "results", "-h", "--help", "-?" };

    public static string[] Expand(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return args.Length >= 2 && args[0] == "batch" && !BranchWords.Contains(args[1]) ? ["batch", "run", .. args[1..]] : args;
    }
}
