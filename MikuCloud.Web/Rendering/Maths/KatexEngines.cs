using Jint;
using Microsoft.Extensions.ObjectPool;

namespace MikuCloud.Web.Rendering.Maths;

/// <summary>
/// Jint engines with KaTeX loaded, pooled: an engine is not thread-safe and Blazor renders circuits in parallel, while
/// loading KaTeX into a fresh engine costs hundreds of milliseconds (the parsed script is shared, so only the first
/// engine pays for parsing it). Each call runs under a time and recursion limit; an engine that hit one is dropped, not
/// returned, in case the script left it half-way through something.
/// </summary>
internal sealed class KatexEngines
{
    /// <summary>Longest one formula may render; KaTeX takes milliseconds for anything a model writes.</summary>
    public static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(1);

    private const string RenderFunction = "mikuRenderTex";

    /// <summary>
    /// KaTeX's options: <c>trust: false</c> (no <c>\href</c>, <c>\url</c>, <c>\includegraphics</c>, <c>\htmlClass</c>…),
    /// <c>maxExpand</c> stops macro bombs, <c>maxSize</c> caps <c>\rule</c>/<c>\kern</c> sizes (em), errors render as a
    /// <c>katex-error</c> span with the source instead of throwing, and MathML rides along for screen readers.
    /// </summary>
    private const string Prelude = """
        function mikuRenderTex(tex, displayMode) {
          return katex.renderToString(tex, {
            displayMode: displayMode, throwOnError: false, trust: false, strict: 'ignore',
            maxExpand: 1000, maxSize: 10, output: 'htmlAndMathml', errorColor: '#cc0000'
          });
        }
        """;

    private static readonly Lazy<Prepared<Acornima.Ast.Script>> Script = new(() => Engine.PrepareScript(ReadKatex(), "katex.min.js"));

    private readonly ObjectPool<Engine> pool =
        new DefaultObjectPool<Engine>(new EnginePolicy(), Math.Max(2, Environment.ProcessorCount));

    /// <summary>KaTeX's HTML (and MathML) for <paramref name="tex"/>; throws when a limit was hit or the script failed.</summary>
    public string Render(string tex, bool displayMode)
    {
        var engine = pool.Get();
        var result = engine.Invoke(RenderFunction, tex, displayMode).AsString(); // a throw drops the engine
        pool.Return(engine);
        return result;
    }

    private static string ReadKatex()
    {
        // Embedded by the build (MikuCloud.Web.csproj, target VendorKatex) from the npm package pinned in package-lock.json.
        using var stream = typeof(KatexEngines).Assembly.GetManifestResourceStream("MikuCloud.Web.katex.min.js")
                           ?? throw new InvalidOperationException("katex.min.js is not embedded: the Web's build vendors it with npm (target VendorKatex).");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private sealed class EnginePolicy : IPooledObjectPolicy<Engine>
    {
        public Engine Create()
        {
            var engine = new Engine(options => options.TimeoutInterval(TimeLimit).LimitRecursion(1000).Strict(false));
            engine.Execute(Script.Value);
            engine.Execute(Prelude);
            return engine;
        }

        public bool Return(Engine obj) => true;
    }
}
