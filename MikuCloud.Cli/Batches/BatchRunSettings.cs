using System.ComponentModel;
using MikuCloud.Cli.Connection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace MikuCloud.Cli.Batches;

/// <summary><c>miku batch &lt;folder-or-files…&gt; -p "prompt" [--out results.jsonl|csv] …</c>, or <c>miku batch --resume state.json</c>.</summary>
public sealed class BatchRunSettings : ConnectionSettings
{
    [CommandArgument(0, "[PATHS]")]
    [Description("Folders (searched recursively) and files: jpg, jpeg, png, webp, gif, and zip files of images.")]
    public string[] Paths { get; init; } = [];

    [CommandOption("-p|--prompt <PROMPT>")]
    [Description("The instruction for every image, e.g. \"详细描述图片中的物体\".")]
    public string? Prompt { get; init; }

    [CommandOption("--preset <ID>")]
    [Description("A sampling preset, e.g. vision.")]
    public string? Preset { get; init; }

    [CommandOption("--schema <FILE>")]
    [Description("A JSON schema file: answers become JSON of that shape (parsed into each result's 'json').")]
    public string? Schema { get; init; }

    [CommandOption("--options <JSON>")]
    [Description("Generation options as JSON, e.g. '{\"temperature\":0.2}'.")]
    public string? Options { get; init; }

    [CommandOption("--keep-images")]
    [Description("Keep the source images on the server after they are answered (by default they are deleted).")]
    public bool KeepImages { get; init; }

    [CommandOption("-o|--out <FILE>")]
    [Description("Where the results go: .jsonl (default results.jsonl) or .csv. A state file beside it (<FILE>.miku-batch.json) lets a rerun resume.")]
    public string Out { get; init; } = "results.jsonl";

    [CommandOption("--name <NAME>")]
    [Description("The batch's name (default: the first folder's name).")]
    public string? Name { get; init; }

    [CommandOption("--resume <STATE>")]
    [Description("Resume the batch recorded in this state file (rerunning the same command finds it by itself).")]
    public string? Resume { get; init; }

    public override ValidationResult Validate()
    {
        if (Resume is not null)
        {
            return File.Exists(Resume) ? ValidationResult.Success() : ValidationResult.Error($"No such state file: {Resume}");
        }

        if (Paths.Length == 0 || string.IsNullOrWhiteSpace(Prompt))
        {
            return ValidationResult.Error("Say what to run: miku batch <folder-or-files…> -p \"prompt\" [--out results.jsonl].");
        }

        if (ResultsFormat.Of(Out) is null)
        {
            return ValidationResult.Error($"--out must end in .jsonl or .csv (got '{Out}').");
        }

        var missing = Paths.FirstOrDefault(p => !File.Exists(p) && !Directory.Exists(p));
        return missing is not null ? ValidationResult.Error($"No such file or folder: {missing}")
            : Schema is not null && !File.Exists(Schema) ? ValidationResult.Error($"No such schema file: {Schema}")
            : ValidationResult.Success();
    }
}
