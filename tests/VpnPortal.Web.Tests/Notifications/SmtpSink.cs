using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using VpnPortal.Testing;
using Xunit;

namespace VpnPortal.Web.Tests.Notifications;

/// <summary>
/// A real SMTP server for the mail tests: Debian's python3-aiosmtpd on a loopback port, started per test, writing each
/// message it accepts to a folder as JSON (envelope, decoded headers and parts, whether TLS and AUTH were used).
/// Optionally TLS with a throwaway certificate (STARTTLS, required, or TLS from the first byte as on port 465) and
/// AUTH LOGIN/PLAIN with one user. A file named "refuse" in the
/// folder makes it answer DATA with that file's text, to stand for a relay that is failing; what it refused is kept too.
/// Without the package the tests are skipped with the reason, except on CI (CI=true), where they fail.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    public const string Python = "/usr/bin/python3";

    private const string Script = """
        import email, json, os, ssl, sys
        from email import policy
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

        folder, port = sys.argv[1], int(sys.argv[2])
        cert, key, implicit = os.environ.get("SINK_CERT"), os.environ.get("SINK_KEY"), os.environ.get("SINK_IMPLICIT_TLS") == "1"
        user, password = os.environ.get("SINK_USER"), os.environ.get("SINK_PASSWORD")

        class Handler:
            def __init__(self):
                self.count = 0

            async def handle_DATA(self, server, session, envelope):
                msg = email.message_from_bytes(envelope.content, policy=policy.default)
                plain = msg.get_body(preferencelist=("plain",))
                html = msg.get_body(preferencelist=("html",))
                self.count += 1
                record = {
                    "mailFrom": envelope.mail_from,
                    "rcptTos": envelope.rcpt_tos,
                    "subject": str(msg["subject"]),
                    "to": str(msg["to"]),
                    "messageId": str(msg["message-id"]) if msg["message-id"] is not None else None,
                    "text": plain.get_content() if plain is not None else None,
                    "html": html.get_content() if html is not None else None,
                    "tls": session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None,
                    "authenticatedAs": session.auth_data.decode() if isinstance(session.auth_data, bytes) else session.auth_data,
                }
                refuse = os.path.join(folder, "refuse")
                refused = os.path.exists(refuse)
                path = os.path.join(folder, "%04d.%s" % (self.count, "refused" if refused else "json"))
                with open(path + ".tmp", "w") as f:
                    json.dump(record, f)
                os.rename(path + ".tmp", path)
                if refused:
                    with open(refuse) as f:
                        return f.read().strip()
                return "250 OK"

        def authenticate(server, session, envelope, mechanism, auth_data):
            if isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password:
                return AuthResult(success=True, auth_data=auth_data.login)
            return AuthResult(success=False, handled=False)

        class CaseInsensitiveAuth(SMTP):
            # SASL mechanism names are case-insensitive (RFC 4954); System.Net.Mail sends "AUTH login".
            async def smtp_AUTH(self, arg):
                if arg:
                    mechanism, _, rest = arg.partition(" ")
                    arg = mechanism.upper() + (" " + rest if rest else "")
                return await super().smtp_AUTH(arg)

        class SinkController(Controller):
            def factory(self):
                return CaseInsensitiveAuth(self.handler, **self.SMTP_kwargs)

        kwargs, server_context = {}, None
        if cert:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(cert, key)
            if implicit:
                server_context = context
            else:
                kwargs["tls_context"] = context
                kwargs["require_starttls"] = True
        if user:
            kwargs["authenticator"] = authenticate
            kwargs["auth_required"] = True
            # Over implicit TLS the whole connection is encrypted; aiosmtpd only knows STARTTLS as "TLS" for AUTH.
            kwargs["auth_require_tls"] = bool(cert) and not implicit
        controller = SinkController(Handler(), hostname="127.0.0.1", port=port, ssl_context=server_context, **kwargs)
        controller.start()
        print("READY", flush=True)
        sys.stdin.read()
        controller.stop()
        """;

    private readonly Process _process;
    private readonly string _folder;

    private SmtpSink(Process process, string folder, int port, string? certificateSha256)
    {
        _process = process;
        _folder = folder;
        Port = port;
        CertificateSha256 = certificateSha256;
    }

    public int Port { get; }

    /// <summary>SHA-256 (hex) of the server's STARTTLS certificate, when it has one.</summary>
    public string? CertificateSha256 { get; }

    /// <summary>What the server accepted.</summary>
    public sealed record ReceivedMail(string MailFrom, List<string> RcptTos, string Subject, string To, string? MessageId, string? Text, string? Html, bool Tls, string? AuthenticatedAs);

    /// <summary>Skips the test (or fails it on CI) unless Debian's python3-aiosmtpd is installed.</summary>
    public static void Require()
    {
        if (IsAvailable())
        {
            return;
        }

        const string reason = "Mail tests need a real SMTP server: install Debian's python3-aiosmtpd (apt-get install python3-aiosmtpd).";
        if (TestEnvironment.IsCi)
        {
            throw new InvalidOperationException("On CI every mail test must run. " + reason);
        }

        Assert.Skip(reason);
    }

    private static bool IsAvailable()
    {
        if (!File.Exists(Python))
        {
            return false;
        }

        using var probe = Process.Start(new ProcessStartInfo(Python, ["-c", "import aiosmtpd"]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        probe.WaitForExit();
        return probe.ExitCode == 0;
    }

    /// <summary>Starts a server; <paramref name="implicitTls"/> serves TLS from the first byte instead of STARTTLS.</summary>
    public static async Task<SmtpSink> StartAsync(bool startTls = false, string? user = null, string? password = null, bool implicitTls = false)
    {
        Require();
        var folder = Directory.CreateTempSubdirectory("vpnportal-smtp-").FullName;
        var script = Path.Combine(folder, "sink.py");
        await File.WriteAllTextAsync(script, Script);
        var mail = Path.Combine(folder, "mail");
        Directory.CreateDirectory(mail);
        var port = FreePort();
        var start = new ProcessStartInfo(Python, [script, mail, port.ToString()])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        string? sha256 = null;
        if (startTls || implicitTls)
        {
            using var key = RSA.Create(2048);
            var request = new CertificateRequest("CN=smtp.test.invalid", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(san.Build());
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            await File.WriteAllTextAsync(Path.Combine(folder, "cert.pem"), certificate.ExportCertificatePem());
            await File.WriteAllTextAsync(Path.Combine(folder, "key.pem"), key.ExportPkcs8PrivateKeyPem());
            start.Environment["SINK_CERT"] = Path.Combine(folder, "cert.pem");
            start.Environment["SINK_KEY"] = Path.Combine(folder, "key.pem");
            start.Environment["SINK_IMPLICIT_TLS"] = implicitTls ? "1" : "0";
            sha256 = Convert.ToHexString(SHA256.HashData(certificate.RawData));
        }

        if (user is not null)
        {
            start.Environment["SINK_USER"] = user;
            start.Environment["SINK_PASSWORD"] = password ?? "";
        }

        var process = Process.Start(start)!;
        var sink = new SmtpSink(process, mail, port, sha256);
        var ready = await process.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken);
        if (ready != "READY")
        {
            var error = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await sink.DisposeAsync();
            throw new InvalidOperationException($"The SMTP server did not start: {ready} {error}");
        }

        return sink;
    }

    /// <summary>Makes the server answer DATA with <paramref name="reply"/> (e.g. "451 4.3.0 try later") until <see cref="Recover"/>.</summary>
    public void Refuse(string reply) => File.WriteAllText(Path.Combine(_folder, "refuse"), reply);

    public void Recover() => File.Delete(Path.Combine(_folder, "refuse"));

    public IReadOnlyList<ReceivedMail> Received() => Read("*.json");

    /// <summary>What the server was sent while it was refusing (<see cref="Refuse"/>), in order.</summary>
    public IReadOnlyList<ReceivedMail> Refused() => Read("*.refused");

    private List<ReceivedMail> Read(string pattern) =>
        Directory.GetFiles(_folder, pattern).Order(StringComparer.Ordinal)
            .Select(f => JsonSerializer.Deserialize<ReceivedMail>(File.ReadAllText(f), new JsonSerializerOptions(JsonSerializerDefaults.Web))!)
            .ToList();

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.StandardInput.Close();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
            }
        }

        _process.Dispose();
        Directory.Delete(Path.GetDirectoryName(_folder)!, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
