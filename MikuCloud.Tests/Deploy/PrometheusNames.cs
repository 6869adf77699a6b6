using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;

namespace MikuCloud.Tests.Deploy;

/// <summary>
/// The OTel → Prometheus metric name conversion that the Collector's prometheus exporter (and Prometheus' own OTLP
/// receiver) apply with their default translation strategy, UnderscoreEscapingWithSuffixes: the name is split
/// into tokens on every character outside [a-zA-Z0-9:], the unit is appended unless a token already equals it
/// (s → seconds, By → bytes, anything in braces dropped, a/b → a_per_b), counters get _total, gauges with unit 1
/// get _ratio. Ported from github.com/prometheus/otlptranslator (metric_namer.go, unit_namer.go).
/// Note the "per" unit is compared as one token ("per_second"), which can never match a name token, so
/// mikucloud.chat.output_throughput in {token}/s becomes ..._per_second_per_second.
/// </summary>
public static partial class PrometheusNames
{
    public enum Kind { Counter, UpDownCounter, Gauge, Histogram }

    private static readonly Dictionary<string, string> Units = new(StringComparer.Ordinal)
    {
        ["d"] = "days", ["h"] = "hours", ["min"] = "minutes", ["s"] = "seconds", ["ms"] = "milliseconds", ["us"] = "microseconds", ["ns"] = "nanoseconds",
        ["By"] = "bytes", ["KiBy"] = "kibibytes", ["MiBy"] = "mebibytes", ["GiBy"] = "gibibytes", ["TiBy"] = "tibibytes",
        ["KBy"] = "kilobytes", ["MBy"] = "megabytes", ["GBy"] = "gigabytes", ["TBy"] = "terabytes",
        ["m"] = "meters", ["V"] = "volts", ["A"] = "amperes", ["J"] = "joules", ["W"] = "watts", ["g"] = "grams",
        ["Cel"] = "celsius", ["Hz"] = "hertz", ["1"] = "", ["%"] = "percent",
    };

    private static readonly Dictionary<string, string> PerUnits = new(StringComparer.Ordinal)
    {
        ["s"] = "second", ["m"] = "minute", ["h"] = "hour", ["d"] = "day", ["w"] = "week", ["mo"] = "month", ["y"] = "year",
    };

    /// <summary>The base metric name (histograms add _bucket, _sum and _count to it).</summary>
    public static string Convert(string name, string? unit, Kind kind)
    {
        var tokens = NonMetricChars().Split(name).Where(t => t.Length > 0).ToList();
        var (main, per) = UnitSuffixes(unit ?? "");
        main = CleanUp(main);
        per = CleanUp(per);
        if (tokens.Contains(main))
        {
            main = "";
        }

        if (per == "per_")
        {
            per = "";
        }
        else
        {
            per = per.TrimEnd('_');
            if (tokens.Contains(per))
            {
                per = "";
            }
        }

        if (per.Length > 0)
        {
            main = main.TrimEnd('_');
        }

        if (main.Length > 0)
        {
            tokens.Add(main);
        }

        if (per.Length > 0)
        {
            tokens.Add(per);
        }

        if (kind == Kind.Counter)
        {
            tokens = [.. tokens.Where(t => t != "total"), "total"];
        }

        if (unit == "1" && kind == Kind.Gauge)
        {
            tokens = [.. tokens.Where(t => t != "ratio"), "ratio"];
        }

        var result = string.Join('_', tokens);
        return result.Length > 0 && char.IsAsciiDigit(result[0]) ? "_" + result : result;
    }

    /// <summary>The series a scrape shows for an instrument.</summary>
    public static IEnumerable<string> Series(string name, string? unit, Kind kind)
    {
        var baseName = Convert(name, unit, kind);
        return kind == Kind.Histogram ? [baseName + "_bucket", baseName + "_sum", baseName + "_count"] : [baseName];
    }

    /// <summary>Attribute → label: every character outside [a-zA-Z0-9_] becomes _.</summary>
    public static string Label(string attribute) => InvalidLabelChars().Replace(attribute, "_");

    public static Kind KindOf(Instrument instrument) => instrument.GetType().GetGenericTypeDefinition() switch
    {
        var t when t == typeof(Counter<>) || t == typeof(ObservableCounter<>) => Kind.Counter,
        var t when t == typeof(UpDownCounter<>) || t == typeof(ObservableUpDownCounter<>) => Kind.UpDownCounter,
        var t when t == typeof(Histogram<>) => Kind.Histogram,
        _ => Kind.Gauge,
    };

    private static (string Main, string Per) UnitSuffixes(string unit)
    {
        var parts = unit.Split('/', 2);
        string main = "", per = "";
        var mainUnit = parts[0].Trim();
        if (mainUnit.Length > 0 && mainUnit.IndexOfAny(['{', '}']) < 0)
        {
            main = Units.GetValueOrDefault(mainUnit, mainUnit);
        }

        if (parts.Length > 1 && parts[1].Length > 0)
        {
            var perUnit = parts[1].Trim();
            if (perUnit.Length > 0 && perUnit.IndexOfAny(['{', '}']) < 0)
            {
                per = PerUnits.GetValueOrDefault(perUnit, perUnit);
            }

            if (per.Length > 0)
            {
                per = "per_" + per;
            }
        }

        return (main, per);
    }

    private static string CleanUp(string unit) => MultipleUnderscores().Replace(NonMetricChars().Replace(unit, "_"), "_").TrimStart('_');

    [GeneratedRegex("[^a-zA-Z0-9:]")]
    private static partial Regex NonMetricChars();

    [GeneratedRegex("__+")]
    private static partial Regex MultipleUnderscores();

    [GeneratedRegex("[^a-zA-Z0-9_]")]
    private static partial Regex InvalidLabelChars();
}
