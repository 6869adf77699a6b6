using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace MikuCloud.Cli.Batches;

/// <summary><c>miku batch results &lt;id&gt; --out results.jsonl|csv</c>.</summary>
public sealed class BatchResultsSettings : BatchIdSettings
{
    [CommandOption("-o|--out <FILE>")]
    [Description("Where the results go: .jsonl or .csv (default results.jsonl).")]
    public string Out { get; init; } = "results.jsonl";

    public override ValidationResult Validate() => ResultsFormat.Of(Out) is null
        ? ValidationResult.Error($"--out must end in .jsonl or .csv (got '{Out}').")
        : ValidationResult.Success();
}
