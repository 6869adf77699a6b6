namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The app cannot start as it is set up (a missing or invalid setting, a broken Modelfile, a loopback-only mode on a
/// network address). <see cref="StartupRefusal"/> reports its message as one line with exit code 1.
/// </summary>
public class StartupRefusedException : Exception
{
    /// <summary>Creates the refusal; <paramref name="message"/> is the whole line the user reads.</summary>
    public StartupRefusedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the refusal for a lower-level error that already says what is wrong.</summary>
    public StartupRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
