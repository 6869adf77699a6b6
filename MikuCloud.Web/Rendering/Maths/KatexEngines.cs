using Jint;
using Jint.Constraints;
using Microsoft.Extensions.ObjectPool;

namespace MikuCloud.Web.Rendering.Maths;

/// <summary>
/// Jint engines with KaTeX loaded, pooled: an engine is not thread-safe and Blazor renders circuits in parallel, while
/// loading KaTeX into a fresh engine costs hundreds of milliseconds (the parsed script is shared, so only the first
/// engine pays for parsing it). Each call runs under a time and recursion limit; an engine that hit one is dropped, not
/// returned, in case the script left it half-way through something. Loading KaTeX into an engine is not under the time
/// limit (on a busy machine, with a cold JIT, it takes seconds); each engine renders one formula before it is first
/// used, so a reader's first formula does not pay for the interpreter's first run either.
/// </summary>
internal sealed class KatexEngines
{
    /// <summary>
    /// Longest one formula may render: a backstop, as <c>maxExpand</c> and <see cref="KatexRenderer.MaxFormulaLength"/>
    /// already bound KaTeX's work; a warm engine takes milliseconds for anything a model writes.
    /// </summary>
    public static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(2);

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

    /// <summary>Never cancelled: a token that can be is what makes Jint add the constraint each render then resets with its deadline.</summary>
    private static readonly CancellationTokenSource NoDeadline = new();

    private readonly ObjectPool<Engine> pool =
        new DefaultObjectPool<Engine>(new EnginePolicy(), Math.Max(2, Environment.ProcessorCount));

    /// <summary>KaTeX's HTML (and MathML) for <paramref name="tex"/>; throws when a limit was hit or the script failed.</summary>
    public string Render(string tex, bool displayMode)
    {
        var engine = pool.Get();
        using var deadline = new CancellationTokenSource(TimeLimit);
        engine.Constraints.Find<CancellationConstraint>()!.Reset(deadline.Token);
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
            var engine = new Engine(options => options.CancellationToken(NoDeadline.Token).LimitRecursion(1000).Strict(false));
            engine.Execute(Script.Value);
            engine.Execute(Prelude);
            engine.Invoke(RenderFunction, @"\sum_{n=1}^{\infty} \frac{1}{n^2} = \frac{\pi^2}{6}", true);
            return engine;
        }

        public bool Return(Engine obj) => true;
    }
}
