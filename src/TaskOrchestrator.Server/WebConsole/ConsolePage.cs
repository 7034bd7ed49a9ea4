using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.FileProviders;

namespace TaskOrchestrator.Server.WebConsole;

/// <summary>
/// The console's files, embedded in this assembly (so every node serves the same console, whatever its working
/// directory), and the Content-Security-Policy its pages are served with.
/// </summary>
internal sealed partial class ConsolePage
{
    /// <summary>Where the files sit in the project, and so in the embedded manifest.</summary>
    public const string Root = "wwwroot/console";

    private ConsolePage(IFileProvider files, string contentSecurityPolicy) => (Files, ContentSecurityPolicy) = (files, contentSecurityPolicy);

    /// <summary>The console's files, <c>index.html</c> at the top.</summary>
    public IFileProvider Files { get; }

    /// <summary>
    /// Scripts only from this origin, plus the one inline script <c>index.html</c> has, its import map, by its hash; styles
    /// and images only from this origin; requests to this origin and to the sign-in provider's; never in a frame.
    /// </summary>
    public string ContentSecurityPolicy { get; }

    /// <summary>Reads the embedded files and derives the policy from <c>index.html</c> and <paramref name="options"/>.</summary>
    public static ConsolePage Load(ConsoleOptions options)
    {
        var files = new ManifestEmbeddedFileProvider(typeof(ConsolePage).Assembly, Root);
        var index = files.GetFileInfo("index.html");
        if (!index.Exists)
        {
            throw new InvalidOperationException($"The console's index.html is not embedded in {typeof(ConsolePage).Assembly.GetName().Name}.");
        }

        string html;
        using (var reader = new StreamReader(index.CreateReadStream(), Encoding.UTF8))
        {
            html = reader.ReadToEnd();
        }

        var scripts = InlineScript().Matches(html);
        if (scripts.Count != 1)
        {
            throw new InvalidOperationException($"The console's index.html must have exactly one inline script, its import map; it has {scripts.Count}.");
        }

        var hash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(scripts[0].Groups["body"].Value)));
        var connect = options.AuthorityOrigin is { } provider ? $"'self' {provider}" : "'self'";
        var policy = string.Join("; ",
            "default-src 'none'",
            $"script-src 'self' 'sha256-{hash}'",
            "style-src 'self'",
            "img-src 'self'",
            $"connect-src {connect}",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'");
        return new ConsolePage(files, policy);
    }

    // Any <script> element with content: the import map must be the only one (everything else is a file).
    [GeneratedRegex(@"<script\b[^>]*>(?<body>.+?)</script>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();
}
