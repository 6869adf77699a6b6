using Bunit;
using MikuCloud.Web.Components.Chat;
using MikuCloud.Web.Rendering;

namespace MikuCloud.Tests.Web;

/// <summary>
/// A failed answer says what went wrong in the UI's language; the model server's raw (English) text is kept as detail,
/// not shown in its place (issue 13, item 7). The raw texts are Ollama's and the API's (see /work/shared/ollama-wire).
/// </summary>
public class ModelFailureTests : WebComponentTest
{
    [Theory]
    [InlineData(ProblemCodes.ModelError, "CUDA error: out of memory", "模型服务内存不足")]
    [InlineData(ProblemCodes.ModelError, "model requires more system memory (12.4 GiB) than is available (7.6 GiB)", "模型服务内存不足")]
    [InlineData(ProblemCodes.ModelUnavailable, "model \"miku-vl\" not found, try pulling it first", "找不到这个模型")]
    [InlineData(ProblemCodes.InvalidRequest, "\"qwen3:8b\" does not support vision", "当前模型不支持图片")]
    [InlineData(ProblemCodes.ModelError, "the input length exceeds the context length", "上下文长度")]
    [InlineData(ProblemCodes.OllamaUnreachable, "The model server cannot be reached.", "无法连接到模型服务")]
    [InlineData(ProblemCodes.ModelError, "dial tcp 127.0.0.1:11434: connect: connection refused", "无法连接到模型服务")]
    [InlineData(ProblemCodes.Busy, "server busy, please try again.  maximum pending requests exceeded", "模型服务正忙")]
    [InlineData(ProblemCodes.ModelError, "an error was encountered while running the model: unexpected EOF", "意外中断")]
    [InlineData(ProblemCodes.Stalled, "Ollama sent nothing for 60 s.", "长时间没有响应")]
    public void A_known_model_failure_is_explained_in_Chinese_with_the_raw_text_as_detail(string code, string raw, string expected)
    {
        var view = Failed(code, raw);

        var cut = Render<ChatMessageItem>(p => p.Add(x => x.Message, view).Add(x => x.IsLast, true));

        Assert.Contains(expected, cut.Find(".status-help").TextContent);
        Assert.DoesNotContain(raw, cut.Find(".status-help").TextContent);
        Assert.Equal("详情", cut.Find(".error-detail summary").TextContent);
        Assert.Equal(raw, cut.Find(".error-detail code").TextContent);
    }

    [Fact]
    public void An_unknown_failure_gets_the_general_sentence_and_still_shows_the_raw_text_as_detail()
    {
        var cut = Render<ChatMessageItem>(p => p.Add(x => x.Message, Failed(ProblemCodes.ModelError, "something nobody has seen before")));

        Assert.Equal("生成过程中出错。", cut.Find(".status-help").TextContent);
        Assert.Equal("something nobody has seen before", cut.Find(".error-detail code").TextContent);
    }

    [Fact]
    public void A_failure_the_Web_described_itself_is_shown_as_it_is_without_detail()
    {
        var cut = Render<ChatMessageItem>(p => p.Add(x => x.Message, Failed("stream_lost", "与服务的连接中断，回答未完成。")));

        Assert.Equal("与服务的连接中断，回答未完成。", cut.Find(".status-help").TextContent);
        Assert.Empty(cut.FindAll(".error-detail"));
    }

    [Fact]
    public void In_English_the_sentence_is_English()
    {
        System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo("en-US");

        var cut = Render<ChatMessageItem>(p => p.Add(x => x.Message, Failed(ProblemCodes.ModelError, "CUDA error: out of memory")));

        Assert.StartsWith("The model server ran out of memory.", cut.Find(".status-help").TextContent, StringComparison.Ordinal);
        Assert.Equal("Details", cut.Find(".error-detail summary").TextContent);
    }

    private static MessageView Failed(string code, string raw) =>
        MessageView.FromDto(Dto("assistant", "写到一半", "failed") with { Error = new ErrorDto(code, raw) });
}
