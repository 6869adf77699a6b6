using System.ComponentModel;
using MikuCloud.Cli.Connection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace MikuCloud.Cli.Chat;

/// <summary><c>miku chat "question" [--image a.jpg …] [--preset id] [--conversation id]</c>.</summary>
public sealed class ChatSettings : ConnectionSettings
{
    [CommandArgument(0, "<QUESTION>")]
    [Description("What to ask (quote it).")]
    public string Question { get; init; } = "";

    [CommandOption("-i|--image <FILE>")]
    [Description("An image to send with the question (jpg, png, webp, gif); repeat for more.")]
    public string[] Images { get; init; } = [];

    [CommandOption("--preset <ID>")]
    [Description("A sampling preset, e.g. vision, precise, creative (default: the conversation's, or the house default).")]
    public string? Preset { get; init; }

    [CommandOption("-c|--conversation <ID>")]
    [Description("Continue this conversation (its id is printed after each answer) instead of starting a new one.")]
    public Guid? Conversation { get; init; }

    public override ValidationResult Validate()
    {
        if (string.IsNullOrWhiteSpace(Question) && Images.Length == 0)
        {
            return ValidationResult.Error("Ask something: miku chat \"question\" [--image a.jpg].");
        }

        var missing = Images.FirstOrDefault(f => !File.Exists(f));
        return missing is null ? ValidationResult.Success() : ValidationResult.Error($"No such image: {missing}");
    }
}
