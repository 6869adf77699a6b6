using System.Net;
using Microsoft.Extensions.DependencyInjection;
using MikuCloud.Web.Api;
using MikuCloud.Web.Chat;
using MikuCloud.Web.Components.Chat;
using MikuCloud.Web.Localization;

namespace MikuCloud.Tests.Web;

/// <summary>The banner's controller: refusals in the UI's words, and the busy countdown that resends by itself.</summary>
public class ChatNoticesTests : WebComponentTest
{
    private readonly ChatNotices notices;
    private int retries;

    public ChatNoticesTests() => notices = new ChatNotices(Services.GetRequiredService<UiText>(), work => work());

    [Fact]
    public async Task Busy_counts_down_Retry_After_and_then_retries_by_itself()
    {
        notices.ShowRefusal(Busy(), RetryAsync, countdown: true);

        Assert.Equal("Miku 正在忙着回答其他问题。1 秒后自动重试…", notices.Current?.Text);
        Assert.Equal(NoticeKind.Busy, notices.Current?.Kind);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (retries == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Equal(1, retries);
        Assert.Null(notices.Current);
    }

    [Fact]
    public void After_three_automatic_resends_the_user_is_asked_and_an_accepted_message_starts_counting_again()
    {
        for (var i = 0; i < ChatNotices.MaxBusyRetries; i++)
        {
            notices.ShowRefusal(Busy(), RetryAsync, countdown: true);
            Assert.Contains("秒后自动重试", notices.Current?.Text);
        }

        notices.ShowRefusal(Busy(), RetryAsync, countdown: true);
        Assert.Equal("Miku 正在忙着回答其他问题，请稍后重试。", notices.Current?.Text);
        Assert.True(notices.Current?.CanRetry);

        notices.Accepted();
        notices.ShowRefusal(Busy(), RetryAsync, countdown: true);
        Assert.Contains("秒后自动重试", notices.Current?.Text);
        notices.Clear();
        Assert.Equal(0, retries);
    }

    [Fact]
    public void A_full_image_store_is_explained_and_never_resent_by_itself()
    {
        notices.ShowRefusal(new ApiException(HttpStatusCode.TooManyRequests, Problem(429, ProblemCodes.ImageQuota), TimeSpan.FromSeconds(1)), RetryAsync, countdown: true);

        Assert.Equal("你存储的图片已达上限。请删除一些带图片的旧对话后再发送。你的消息已保留。", notices.Current?.Text);
        Assert.False(notices.Current?.CanRetry);
        Assert.Equal("image-quota", notices.Current?.TestId);
    }

    [Theory]
    [InlineData(ProblemCodes.DatabaseUnavailable)]
    [InlineData(ProblemCodes.SharedStateUnavailable)]
    public void The_services_storage_unreachable_is_told_apart_from_the_model_and_can_be_retried(string code)
    {
        notices.ShowRefusal(new ApiException(HttpStatusCode.ServiceUnavailable, Problem(503, code), TimeSpan.FromSeconds(5)), RetryAsync, countdown: true);

        Assert.Equal("服务暂时无法访问它的存储，什么都没有改变，你的消息已保留。请稍后再试。", notices.Current?.Text);
        Assert.True(notices.Current?.CanRetry);
        Assert.Equal("unavailable", notices.Current?.TestId);
    }

    [Theory]
    [InlineData(413, null, "消息或图片太大，服务拒绝了它。")]
    [InlineData(409, ProblemCodes.AnswerInProgress, "这个对话里还有一个回答正在生成，请先停止它或等它完成。")]
    public void Refusals_are_told_in_the_UIs_words(int status, string? code, string expected)
    {
        notices.ShowRefusal(new ApiException((HttpStatusCode)status, Problem(status, code), null), RetryAsync, countdown: true);

        Assert.Equal(expected, notices.Current?.Text);
        Assert.Equal("refused", notices.Current?.TestId);
    }

    [Fact]
    public void Validation_errors_are_told_with_the_APIs_own_words()
    {
        var problem = Problem(400, ProblemCodes.InvalidRequest) with { Errors = new Dictionary<string, string[]> { ["content"] = ["内容不能为空。"] } };

        notices.ShowRefusal(new ApiException(HttpStatusCode.BadRequest, problem, null), RetryAsync, countdown: true);

        Assert.Equal("服务拒绝了这条消息：内容不能为空。", notices.Current?.Text);
    }

    [Fact]
    public async Task Retry_clears_the_notice_and_runs_what_it_offered()
    {
        notices.Show(new ChatNotice(NoticeKind.Error, "出错了", CanRetry: true), RetryAsync);

        await notices.RetryAsync();

        Assert.Equal(1, retries);
        Assert.Null(notices.Current);
    }

    private Task RetryAsync()
    {
        retries++;
        return Task.CompletedTask;
    }

    private static ApiException Busy() => new(HttpStatusCode.TooManyRequests, null, TimeSpan.FromSeconds(1));

    private static ProblemDto Problem(int status, string? code) => new(null, code, status, null, null, code);

    protected override void Dispose(bool disposing)
    {
        notices.Dispose();
        base.Dispose(disposing);
    }
}
