using System.Globalization;

namespace MikuCloud.Web.Services;

/// <summary>
/// The UI's words in Simplified Chinese and English, side by side so a translator (or reviewer) sees both at once.
/// The language is the circuit's <see cref="CultureInfo.CurrentUICulture"/> (see <see cref="UiCultures"/>); anything
/// that is not English gets Chinese, because MikuCloud is zh-CN first.
/// </summary>
public sealed class UiText
{
    private static readonly Dictionary<string, (string Zh, string En)> Texts = new(StringComparer.Ordinal)
    {
        // Stats page
        ["stats.title"] = ("统计", "Stats"),
        ["stats.link"] = ("性能统计", "Performance"),
        ["stats.heading"] = ("延迟与吞吐", "Latency and throughput"),
        ["stats.window"] = ("时间范围", "Window"),
        ["stats.window.1h"] = ("1 小时", "1 hour"),
        ["stats.window.24h"] = ("24 小时", "24 hours"),
        ["stats.window.7d"] = ("7 天", "7 days"),
        ["stats.window.30d"] = ("30 天", "30 days"),
        ["stats.requests"] = ("请求", "Requests"),
        ["stats.failures"] = ("失败", "Failures"),
        ["stats.ttft"] = ("首字延迟", "Time to first token"),
        ["stats.output"] = ("生成速度", "Output speed"),
        ["stats.prefill"] = ("预填充速度", "Prefill speed"),
        ["stats.tokens"] = ("Token 用量", "Tokens"),
        ["stats.trend.ttft"] = ("首字延迟（毫秒）", "Time to first token (ms)"),
        ["stats.trend.requests"] = ("请求与失败", "Requests and failures"),
        ["stats.trend.output"] = ("生成速度（token/秒）", "Output speed (tokens/s)"),
        ["stats.byPreset"] = ("按预设", "By preset"),
        ["stats.byModel"] = ("按模型", "By model"),
        ["stats.col.key"] = ("名称", "Name"),
        ["stats.empty"] = ("这段时间还没有回答。聊几句再来看看吧！", "No answers in this window yet. Chat a little and come back!"),
        ["stats.loadFailed"] = ("统计加载失败", "Could not load the stats"),
        ["stats.back"] = ("返回对话", "Back to chat"),

        // App and layout
        ["app.tagline"] = ("Qwen3-VL 多模态对话", "Multimodal chat with Qwen3-VL"),
        ["sidebar.toggle"] = ("显示或隐藏对话列表", "Show or hide conversations"),
        ["sidebar.title"] = ("对话", "Conversations"),
        ["sidebar.new"] = ("新对话", "New chat"),
        ["sidebar.search"] = ("搜索对话", "Search conversations"),
        ["sidebar.empty"] = ("还没有对话。发一条消息开始吧！", "No conversations yet. Send a message to start one!"),
        ["sidebar.noMatch"] = ("没有找到匹配的对话", "No conversations match"),
        ["sidebar.loadMore"] = ("加载更多", "Load more"),
        ["sidebar.rename"] = ("重命名", "Rename"),
        ["sidebar.renameLabel"] = ("新的标题", "New title"),
        ["sidebar.delete"] = ("删除", "Delete"),
        ["sidebar.deleteConfirm"] = ("确定删除“{0}”吗？此操作无法撤销。", "Delete “{0}”? This cannot be undone."),
        ["sidebar.save"] = ("保存", "Save"),
        ["sidebar.cancel"] = ("取消", "Cancel"),
        ["sidebar.close"] = ("关闭对话列表", "Close conversations"),
        ["sidebar.loadFailed"] = ("对话列表加载失败", "Could not load conversations"),
        ["group.today"] = ("今天", "Today"),
        ["group.yesterday"] = ("昨天", "Yesterday"),
        ["group.week"] = ("过去 7 天", "Previous 7 days"),
        ["group.month"] = ("过去 30 天", "Previous 30 days"),
        ["group.older"] = ("更早", "Older"),

        ["model.ready"] = ("就绪", "Ready"),
        ["model.missing"] = ("准备中", "Preparing"),
        ["model.unavailable"] = ("不可用", "Unavailable"),
        ["model.unknown"] = ("连接中", "Connecting"),
        ["model.title"] = ("模型状态", "Model status"),

        // Header
        ["header.newChat"] = ("新对话", "New chat"),
        ["header.settings"] = ("参数设置", "Parameters"),
        ["header.theme"] = ("切换浅色/深色主题", "Switch light/dark theme"),
        ["header.theme.auto"] = ("跟随系统", "System"),
        ["header.theme.light"] = ("浅色", "Light"),
        ["header.theme.dark"] = ("深色", "Dark"),
        ["header.language"] = ("语言", "Language"),
        ["header.export"] = ("导出对话", "Export conversation"),
        ["header.exportMd"] = ("导出为 Markdown", "Export as Markdown"),
        ["header.exportJson"] = ("导出为 JSON", "Export as JSON"),

        // Presets and parameters
        ["preset.label"] = ("预设", "Preset"),
        ["preset.choose"] = ("选择生成预设", "Choose a generation preset"),
        ["params.title"] = ("高级参数", "Advanced parameters"),
        ["params.close"] = ("关闭参数面板", "Close parameters"),
        ["params.resetAll"] = ("全部恢复为预设值", "Reset all to preset"),
        ["params.reset"] = ("恢复预设值", "Reset to preset"),
        ["params.presetValue"] = ("预设值：{0}", "Preset: {0}"),
        ["params.unset"] = ("未设置", "not set"),
        ["params.range"] = ("范围 {0} – {1}", "Range {0} – {1}"),
        ["params.outOfRange"] = ("{0} 必须在 {1} 到 {2} 之间", "{0} must be between {1} and {2}"),
        ["params.notNumber"] = ("{0} 需要一个数字", "{0} needs a number"),
        ["params.temperature"] = ("温度（创造性）", "Temperature (creativity)"),
        ["params.temperature.help"] = ("越高越随机，越低越稳定", "Higher is more varied, lower is more focused"),
        ["params.top_p"] = ("Top-p（核采样）", "Top-p (nucleus sampling)"),
        ["params.top_p.help"] = ("只从累计概率达到 p 的候选词中选择", "Sample only from the tokens making up probability p"),
        ["params.top_k"] = ("Top-k", "Top-k"),
        ["params.top_k.help"] = ("只从概率最高的 k 个候选词中选择（0 = 不限）", "Sample only from the k most likely tokens (0 = no limit)"),
        ["params.repeat_penalty"] = ("重复惩罚", "Repeat penalty"),
        ["params.repeat_penalty.help"] = ("大于 1 时减少重复", "Above 1 discourages repetition"),
        ["params.presence_penalty"] = ("存在惩罚", "Presence penalty"),
        ["params.presence_penalty.help"] = ("鼓励谈论新话题", "Encourages new topics"),
        ["params.num_predict"] = ("最大回复长度（tokens）", "Max reply length (tokens)"),
        ["params.num_predict.help"] = ("回复最多生成的 token 数", "Most tokens an answer may have"),
        ["params.num_ctx"] = ("上下文长度（tokens）", "Context size (tokens)"),
        ["params.num_ctx.help"] = ("模型能看到的对话长度；每张图片至少约 1000 tokens", "How much conversation the model sees; each image costs ~1000+ tokens"),
        ["params.seed"] = ("随机种子", "Seed"),
        ["params.seed.help"] = ("固定种子可复现同样的回答；留空为随机", "A fixed seed repeats an answer; empty is random"),
        ["params.system"] = ("系统提示词", "System prompt"),
        ["params.system.help"] = ("对整个对话生效；留空使用默认的 Miku 设定", "Applies to the whole conversation; empty uses Miku's default"),
        ["params.saved"] = ("已保存到此对话", "Saved for this conversation"),
        ["params.saveFailed"] = ("参数保存失败：{0}", "Could not save parameters: {0}"),

        // Messages
        ["msg.you"] = ("你", "You"),
        ["msg.miku"] = ("Miku", "Miku"),
        ["msg.thinking"] = ("正在思考…", "Thinking…"),
        ["msg.copy"] = ("复制", "Copy"),
        ["msg.copied"] = ("已复制", "Copied"),
        ["msg.copyCode"] = ("复制代码", "Copy code"),
        ["msg.regenerate"] = ("重新生成", "Regenerate"),
        ["msg.retry"] = ("重试", "Retry"),
        ["msg.edit"] = ("编辑并重新发送", "Edit and resend"),
        ["msg.loadEarlier"] = ("加载更早的消息", "Load earlier messages"),
        ["msg.jumpLatest"] = ("回到最新", "Jump to latest"),
        ["msg.openImage"] = ("查看大图：{0}", "Open image: {0}"),
        ["msg.image"] = ("图片 {0}", "Image {0}"),
        ["msg.status.cancelled"] = ("已停止", "Stopped"),
        ["msg.status.failed"] = ("生成失败", "Failed"),
        ["msg.status.truncated"] = ("已达长度上限", "Cut off at max length"),
        ["msg.status.interrupted"] = ("已中断", "Interrupted"),
        ["msg.status.cancelled.help"] = ("回答在完成前被停止，已保存到此为止的内容。", "The answer was stopped before it finished; what was written so far is kept."),
        ["msg.status.failed.help"] = ("生成过程中出错。", "Something went wrong while answering."),
        ["msg.status.truncated.help"] = ("回答达到了最大长度。可在参数中调高“最大回复长度”后重新生成。", "The answer hit the maximum length. Raise “Max reply length” in the parameters and regenerate."),
        ["msg.status.failed.detail"] = ("详情", "Details"),
        ["failure.outOfMemory"] = ("模型服务内存不足，无法生成回答。可以缩短对话、减少图片，或稍后重试。", "The model server ran out of memory. Shorten the conversation, send fewer images, or retry later."),
        ["failure.notFound"] = ("模型服务上找不到这个模型（可能还在下载）。", "The model server does not have this model (it may still be downloading)."),
        ["failure.noVision"] = ("当前模型不支持图片。", "The current model cannot read images."),
        ["failure.contextTooLong"] = ("对话超出了模型的上下文长度。请缩短内容或在参数中调大“上下文长度”。", "The conversation does not fit in the model's context. Shorten it or raise “Context size” in the parameters."),
        ["failure.unreachable"] = ("无法连接到模型服务。", "The model server cannot be reached."),
        ["failure.busy"] = ("模型服务正忙，请稍后重试。", "The model server is busy; please retry in a moment."),
        ["failure.stalled"] = ("模型长时间没有响应，回答已中止。", "The model stopped responding, so the answer was ended."),
        ["failure.tooLong"] = ("回答超过了允许的最长时间，已被停止。", "The answer ran longer than allowed and was stopped."),
        ["failure.broken"] = ("模型服务意外中断了回答。", "The model server broke off the answer unexpectedly."),
        ["msg.status.interrupted.help"] = ("服务在回答时重启了。", "The service restarted while answering."),
        ["msg.stats.ttft"] = ("首字 {0}", "First token {0}"),
        ["msg.stats.ttft.title"] = ("首个 token 用时", "Time to first token"),
        ["msg.stats.speed"] = ("{0} tokens/s", "{0} tokens/s"),
        ["msg.stats.speed.title"] = ("输出速度", "Output speed"),
        ["msg.stats.tokens"] = ("{0} → {1} tokens", "{0} → {1} tokens"),
        ["msg.stats.tokens.title"] = ("输入 → 输出 token 数", "Input → output tokens"),
        ["msg.stats.preset.title"] = ("生成预设", "Preset"),
        ["msg.grounding"] = ("定位结果（{0} 个框）", "Grounding ({0} boxes)"),
        ["msg.grounding.noImage"] = ("回答中包含定位框，但对话里没有可标注的图片。", "The answer has boxes but there is no image in the conversation to draw them on."),
        ["msg.listLabel"] = ("对话消息", "Messages"),
        ["msg.loadFailed"] = ("消息加载失败", "Could not load messages"),

        // Empty state
        ["empty.title"] = ("你好，我是 Miku！", "Hi, I'm Miku!"),
        ["empty.subtitle"] = ("可以和我聊天，也可以发图片让我看。试试这些：", "Chat with me, or show me a picture. Try one of these:"),
        ["empty.group.chinese"] = ("中文理解", "Language"),
        ["empty.group.vision"] = ("图像理解（先添加图片）", "Images (attach a picture first)"),
        ["empty.group.reasoning"] = ("复杂推理", "Reasoning"),

        // Input
        ["input.placeholder"] = ("给 Miku 发消息…", "Message Miku…"),
        ["input.keys"] = ("Enter 发送，Shift+Enter 换行。", "Enter sends, Shift+Enter adds a line."),
        ["input.label"] = ("消息", "Message"),
        ["input.send"] = ("发送", "Send"),
        ["input.stop"] = ("停止生成", "Stop"),
        ["input.attach"] = ("添加图片", "Attach images"),
        ["input.limits"] = ("支持 JPEG、PNG、WebP、GIF；每张不超过 {0} MB，每条消息最多 {1} 张；可拖放或粘贴。大照片会先在浏览器中缩小。", "JPEG, PNG, WebP or GIF; up to {0} MB each, {1} per message; drag-and-drop or paste works. Large photos are shrunk in your browser first."),
        ["input.remove"] = ("移除图片 {0}", "Remove image {0}"),
        ["input.uploading"] = ("上传中…", "Uploading…"),
        ["input.waitUploads"] = ("请等待图片上传完成", "Wait for the images to finish uploading"),
        ["input.dropHere"] = ("松开鼠标以添加图片", "Drop images to attach them"),
        ["input.editing"] = ("正在编辑上一条消息", "Editing your last message"),
        ["input.cancelEdit"] = ("取消编辑", "Cancel editing"),
        ["input.downscaled"] = ("已从 {0}×{1} 缩小到 {2}×{3}", "Shrunk from {0}×{1} to {2}×{3}"),
        ["attach.tooMany"] = ("每条消息最多 {0} 张图片。", "At most {0} images per message."),
        ["attach.tooLarge"] = ("“{0}”太大了（每张最多 {1} MB）。", "“{0}” is too large (max {1} MB each)."),
        ["attach.unsupported"] = ("“{0}”不是支持的图片格式（JPEG、PNG、WebP、GIF）。", "“{0}” is not a supported image (JPEG, PNG, WebP, GIF)."),
        ["attach.failed"] = ("“{0}”上传失败，请重试。", "Uploading “{0}” failed; please try again."),
        ["attach.decode"] = ("“{0}”无法读取，文件可能已损坏。", "“{0}” could not be read; the file may be damaged."),
        ["attach.storeFull"] = ("服务器暂存空间已满，请稍后再试。", "The server's upload space is full; please try again later."),

        // States
        ["state.connecting"] = ("正在连接…", "Connecting…"),
        ["state.modelMissing"] = ("模型正在下载或准备中，完成后即可对话。{0}", "The model is being downloaded or prepared; you can chat once it is ready. {0}"),
        ["state.modelUnavailable"] = ("模型服务暂时不可用（Ollama 无法连接）。正在自动重试…", "The model service is unavailable right now (Ollama is unreachable). Retrying automatically…"),
        ["state.apiDown"] = ("暂时无法连接到 MikuCloud 服务。你输入的内容已保留，稍后再试。", "MikuCloud's service is not reachable right now. What you typed is kept; please try again shortly."),
        ["state.busy"] = ("Miku 正在忙着回答其他问题。{0} 秒后自动重试…", "Miku is busy answering others. Retrying in {0} s…"),
        ["state.busyNow"] = ("Miku 正在忙着回答其他问题，请稍后重试。", "Miku is busy answering others; please retry in a moment."),
        ["state.unavailable"] = ("模型暂时不可用，你的消息已保留，稍后再试。", "The model is unavailable right now; your message is kept, please try again later."),
        ["state.tooLarge"] = ("消息或图片太大，服务拒绝了它。", "The message or its images are too large for the service."),
        ["state.unsupported"] = ("服务无法处理这张图片的格式。", "The service cannot read this image format."),
        ["state.invalid"] = ("服务拒绝了这条消息：{0}", "The service refused this message: {0}"),
        ["state.notFound"] = ("找不到这个对话。", "This conversation cannot be found."),
        ["state.streamLost"] = ("与服务的连接中断，回答未完成。", "The connection to the service dropped before the answer finished."),
        ["state.inProgress"] = ("这个对话里还有一个回答正在生成，请先停止它或等它完成。", "An answer is still being written in this conversation; stop it or wait for it to finish."),
        ["state.modelRefused"] = ("你的消息已保存，但模型暂时无法回答。稍后点“重试”即可。", "Your message is saved, but the model could not answer right now. Press “Retry” in a moment."),
        ["state.contextOverflow"] = ("这条消息太长，超出了上下文长度。请缩短内容或在参数中调大“上下文长度”。", "This message does not fit in the context. Shorten it or raise “Context size” in the parameters."),
        ["state.retryNow"] = ("立即重试", "Retry now"),
        ["state.dismiss"] = ("关闭提示", "Dismiss"),
        ["state.unexpected"] = ("出了点问题：{0}", "Something went wrong: {0}"),

        // Reconnect
        ["reconnect.rejoining"] = ("与服务器的连接中断，正在重新连接…", "Connection lost. Reconnecting…"),
        ["reconnect.retrying"] = ("重连失败，{0} 秒后再试…", "Reconnect failed; trying again in {0} s…"),
        ["reconnect.failed"] = ("无法重新连接。你输入的草稿已保存在本机。", "Could not reconnect. Your draft is saved in this browser."),
        ["reconnect.retry"] = ("重试", "Retry"),
        ["reconnect.paused"] = ("会话已被服务器暂停。", "The session was paused by the server."),
        ["reconnect.resume"] = ("继续", "Resume"),
        ["reconnect.resumeFailed"] = ("无法恢复会话，请刷新页面。", "Could not resume the session; please reload the page."),
        ["reconnect.reload"] = ("刷新页面", "Reload"),

        // Accounts: sign-in, setup, sign-up
        ["auth.userName"] = ("用户名", "User name"),
        ["auth.userName.help"] = ("3–64 个字符：字母、数字、. _ - @", "3–64 characters: letters, digits, . _ - @"),
        ["auth.displayName"] = ("显示名称（可选）", "Display name (optional)"),
        ["auth.password"] = ("密码", "Password"),
        ["auth.password.help"] = ("至少 8 个字符", "At least 8 characters"),
        ["auth.confirm"] = ("再次输入密码", "Repeat the password"),
        ["auth.mismatch"] = ("两次输入的密码不一致。", "The two passwords differ."),
        ["auth.signIn"] = ("登录", "Sign in"),
        ["auth.signIn.title"] = ("登录 MikuCloud", "Sign in to MikuCloud"),
        ["auth.signInWith"] = ("使用 {0} 登录", "Sign in with {0}"),
        ["auth.or"] = ("或", "or"),
        ["auth.noAccount"] = ("还没有账号？", "No account yet?"),
        ["auth.signUp"] = ("注册", "Sign up"),
        ["auth.signUp.title"] = ("创建账号", "Create an account"),
        ["auth.signUp.submit"] = ("创建账号并登录", "Create account and sign in"),
        ["auth.haveAccount"] = ("已经有账号？", "Already have an account?"),
        ["auth.setup.title"] = ("欢迎使用 MikuCloud", "Welcome to MikuCloud"),
        ["auth.setup.intro"] = ("这是一个全新的安装。创建第一个账号，它将成为管理员。之后只有管理员可以添加用户或开放注册。", "This is a fresh install. Create the first account: it becomes the administrator. Afterwards only the administrator can add users or open sign-up."),
        ["auth.setup.submit"] = ("创建管理员并登录", "Create the administrator and sign in"),
        ["auth.error.invalid_credentials"] = ("用户名或密码不正确。", "Wrong user name or password."),
        ["auth.error.account_disabled"] = ("这个账号已被停用。请联系管理员。", "This account is disabled. Ask your administrator."),
        ["auth.error.login_throttled"] = ("登录失败次数太多。请在 {0} 后再试。", "Too many failed sign-ins. Try again in {0}."),
        ["auth.error.signup_disabled"] = ("目前不开放注册。请联系管理员为你创建账号。", "Sign-up is closed. Ask the administrator to create an account for you."),
        ["auth.error.user_name_taken"] = ("这个用户名已被使用。", "This user name is taken."),
        ["auth.error.setup_done"] = ("管理员已经创建，请登录。", "The administrator already exists; please sign in."),
        ["auth.error.external_failed"] = ("外部登录没有完成，请重试。", "The external sign-in did not complete; please try again."),
        ["auth.error.unavailable"] = ("暂时无法连接到 MikuCloud 服务，请稍后再试。", "MikuCloud's service is not reachable right now; please try again shortly."),
        ["auth.error.invalid"] = ("请检查输入：{0}", "Please check your input: {0}"),
        ["auth.error.required"] = ("请填写用户名和密码。", "Enter a user name and a password."),
        ["auth.ended"] = ("你的登录已失效（密码已更改或账号已停用），请重新登录。", "Your session has ended (the password changed or the account was disabled). Please sign in again."),
        ["auth.signedOut"] = ("你已退出登录。", "You are signed out."),
        ["auth.wait.seconds"] = ("{0} 秒", "{0} s"),
        ["auth.wait.minutes"] = ("{0} 分钟", "{0} min"),

        // User menu
        ["menu.open"] = ("账号菜单", "Account menu"),
        ["menu.account"] = ("我的账号", "Account"),
        ["menu.admin"] = ("用户管理", "Users"),
        ["menu.signOut"] = ("退出登录", "Sign out"),
        ["menu.admin.badge"] = ("管理员", "admin"),

        // Account page
        ["account.title"] = ("我的账号", "Account"),
        ["account.back"] = ("返回对话", "Back to chat"),
        ["account.profile"] = ("个人资料", "Profile"),
        ["account.role"] = ("角色", "Role"),
        ["account.role.admin"] = ("管理员", "Administrator"),
        ["account.role.user"] = ("用户", "User"),
        ["account.created"] = ("创建于", "Created"),
        ["account.lastSignIn"] = ("上次登录", "Last sign-in"),
        ["account.external"] = ("通过外部身份提供方登录", "Signs in with an external provider"),
        ["account.singleUser"] = ("单用户模式：这台电脑上的所有访问都使用内置管理员 local，无需登录。", "Single-user mode: every visit on this machine is the built-in admin 'local'; there is no sign-in."),
        ["account.password"] = ("修改密码", "Change password"),
        ["account.password.current"] = ("当前密码", "Current password"),
        ["account.password.new"] = ("新密码", "New password"),
        ["account.password.submit"] = ("修改密码", "Change password"),
        ["account.password.done"] = ("密码已修改。你在其他设备上的登录已全部退出。", "Password changed. You are signed out everywhere else."),
        ["account.password.wrong"] = ("当前密码不正确。", "The current password is wrong."),
        ["account.keys"] = ("个人 API 密钥", "Personal API keys"),
        ["account.keys.intro"] = ("用于脚本调用 MikuCloud API：在请求头中发送 Authorization: Bearer <密钥>。密钥拥有你账号的全部对话权限。", "For scripts that call the MikuCloud API: send Authorization: Bearer <key>. A key can do everything your account can do with conversations."),
        ["account.keys.name"] = ("密钥名称", "Key name"),
        ["account.keys.namePlaceholder"] = ("例如：笔记本脚本", "e.g. laptop script"),
        ["account.keys.create"] = ("创建密钥", "Create key"),
        ["account.keys.created"] = ("新密钥“{0}”", "New key “{0}”"),
        ["account.keys.once"] = ("请立即复制并妥善保存：这个密钥只显示这一次，之后无法再次查看。", "Copy it now and keep it safe: this key is shown only once and cannot be shown again."),
        ["account.keys.copy"] = ("复制密钥", "Copy key"),
        ["account.keys.empty"] = ("还没有 API 密钥。", "No API keys yet."),
        ["account.keys.col.name"] = ("名称", "Name"),
        ["account.keys.col.prefix"] = ("前缀", "Prefix"),
        ["account.keys.col.created"] = ("创建时间", "Created"),
        ["account.keys.col.lastUsed"] = ("最后使用", "Last used"),
        ["account.keys.never"] = ("从未使用", "Never"),
        ["account.keys.revoke"] = ("撤销", "Revoke"),
        ["account.keys.revokeLabel"] = ("撤销密钥 {0}", "Revoke key {0}"),
        ["account.keys.revoked"] = ("已撤销", "Revoked"),
        ["account.keys.expired"] = ("已过期", "Expired"),
        ["account.keys.col.expires"] = ("过期时间", "Expires"),
        ["account.keys.expiry"] = ("有效期", "Expires after"),
        ["account.keys.expiry.30"] = ("30 天后过期", "Expires in 30 days"),
        ["account.keys.expiry.90"] = ("90 天后过期", "Expires in 90 days"),
        ["account.keys.expiry.365"] = ("1 年后过期", "Expires in 1 year"),
        ["account.keys.expiry.never"] = ("永不过期", "Never expires"),
        ["account.keys.expiresOn"] = ("有效期至 {0}。", "It works until {0}."),
        ["account.keys.neverExpires"] = ("它不会自动过期，不再需要时请撤销。", "It does not expire; revoke it when you no longer need it."),
        ["account.keys.revokedDone"] = ("密钥已撤销，使用它的请求将被拒绝。", "The key is revoked; requests with it are refused."),
        ["account.error"] = ("操作失败：{0}", "That did not work: {0}"),

        // Admin: users
        ["admin.title"] = ("用户管理", "Users"),
        ["admin.signUp"] = ("开放注册", "Open sign-up"),
        ["admin.signUp.on"] = ("任何人都可以注册账号。", "Anyone can create an account."),
        ["admin.signUp.off"] = ("只有管理员可以添加用户。", "Only administrators can add users."),
        ["admin.signUp.allow"] = ("允许注册", "Allow sign-up"),
        ["admin.signUp.disallow"] = ("关闭注册", "Turn sign-up off"),
        ["admin.add"] = ("添加用户", "Add a user"),
        ["admin.add.role"] = ("角色", "Role"),
        ["admin.add.submit"] = ("添加", "Add"),
        ["admin.added"] = ("已添加用户 {0}。", "Added {0}."),
        ["admin.col.user"] = ("用户", "User"),
        ["admin.col.role"] = ("角色", "Role"),
        ["admin.col.status"] = ("状态", "Status"),
        ["admin.col.lastSignIn"] = ("上次登录", "Last sign-in"),
        ["admin.col.actions"] = ("操作", "Actions"),
        ["admin.status.active"] = ("正常", "Active"),
        ["admin.status.disabled"] = ("已停用", "Disabled"),
        ["admin.you"] = ("（你）", "(you)"),
        ["admin.disable"] = ("停用", "Disable"),
        ["admin.enable"] = ("启用", "Enable"),
        ["admin.makeAdmin"] = ("设为管理员", "Make admin"),
        ["admin.makeUser"] = ("设为普通用户", "Make user"),
        ["admin.resetPassword"] = ("重置密码", "Reset password"),
        ["admin.reset.title"] = ("为 {0} 设置新密码", "New password for {0}"),
        ["admin.reset.submit"] = ("设置密码", "Set password"),
        ["admin.reset.done"] = ("{0} 的密码已重置，其所有登录均已退出。", "{0}'s password is reset; all their sessions have ended."),
        ["admin.updated"] = ("已更新 {0}。", "Updated {0}."),
        ["admin.error.last_admin"] = ("至少需要保留一个启用的管理员。", "There must remain at least one enabled administrator."),
        ["admin.error.cannot_disable_self"] = ("你不能停用自己的账号。", "You cannot disable your own account."),
        ["admin.never"] = ("从未", "Never"),
        ["forbidden.title"] = ("没有权限", "Not allowed"),
        ["forbidden.text"] = ("你的账号无权访问这个页面。", "Your account may not open this page."),

        // Limits (429 from the API)
        ["state.limit.rate_limited"] = ("你发送得有点快。{0} 秒后自动重试…", "You are sending a little fast. Retrying in {0} s…"),
        ["state.limit.token_limit"] = ("你这一分钟的 token 额度已用完。{0} 秒后自动重试…", "You have used this minute's token allowance. Retrying in {0} s…"),
        ["state.limit.too_many_streams"] = ("你已有回答正在生成。{0} 秒后自动重试…", "You already have answers being written. Retrying in {0} s…"),
        ["state.limit.image_quota"] = ("你存储的图片已达上限。请删除一些带图片的旧对话后再发送。你的消息已保留。", "You have reached your limit of stored images. Delete some older conversations with pictures, then send again; your message is kept."),
        ["state.limit.generic"] = ("你的请求太频繁了。请在 {0} 后再试。", "Too many requests from your account. Try again in {0}."),

        ["conversation.imageTitle"] = ("图片对话", "Image chat"),

        // Lightbox
        ["lightbox.close"] = ("关闭", "Close"),
        ["lightbox.label"] = ("图片预览", "Image preview"),
    };

    /// <summary>True unless the UI culture is English.</summary>
    public static bool IsChinese => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName != "en";

    /// <summary>The culture name for <c>&lt;html lang&gt;</c>.</summary>
    public static string HtmlLang => IsChinese ? "zh-CN" : "en";

    /// <summary>Every key, for the completeness test.</summary>
    public static IReadOnlyCollection<string> Keys => Texts.Keys;

    public string this[string key] => Get(key);

    public static string Get(string key) =>
        Texts.TryGetValue(key, out var t) ? (IsChinese ? t.Zh : t.En) : key;

    public string Format(string key, params object?[] args) => string.Format(CultureInfo.CurrentCulture, Get(key), args);

    /// <summary>A wait (Retry-After) in words: "45 秒", "3 min".</summary>
    public string Wait(TimeSpan wait)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        return seconds < 120 ? Format("auth.wait.seconds", seconds) : Format("auth.wait.minutes", (int)Math.Ceiling(seconds / 60.0));
    }

    /// <summary>Picks the right entry of an API dictionary keyed <c>zh</c>/<c>en</c> (preset titles, descriptions).</summary>
    public static string Pick(IReadOnlyDictionary<string, string>? values, string fallback)
    {
        if (values is null || values.Count == 0)
        {
            return fallback;
        }

        var lang = IsChinese ? "zh" : "en";
        return values.TryGetValue(lang, out var v) ? v : values.TryGetValue(IsChinese ? "en" : "zh", out v) ? v : values.Values.First();
    }
}
