using MikuCloud.Bench;

// `serve-api …`: the API as a child process, so its CPU, allocations and memory are its own (see ApiHost).
if (args.Length > 0 && args[0] == ChildApiServer.Command)
{
    return await ChildApiServer.RunAsync(args[1..]);
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

if (options.Help)
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

var report = await BenchRunner.RunAsync(options, Console.Out);
Console.WriteLine();
Console.WriteLine(report.Markdown);
if (options.OutputPath is { } output)
{
    await File.WriteAllTextAsync(output, report.Markdown);
    Console.WriteLine($"Written to {output}");
}

return report.Failures == 0 ? 0 : 1;
