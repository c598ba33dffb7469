using System.Globalization;

namespace DevToken;

/// <summary>
/// <c>dotnet run --project tools/DevToken -- --aud URL [--iss ISSUER] [--key FILE] [--jwks FILE] [--lifetime SECONDS]</c>:
/// writes the public JWKS and prints one token on standard output, nothing else, so it can be used as $(...).
/// </summary>
internal static class DevTokenProgram
{
    public const string DefaultIssuer = "https://dev-ehr.example.org";

    private const string Usage =
        "usage: DevToken --aud <endpoint URL> [--iss <issuer>] [--key <PEM file>] [--jwks <JWKS file>] [--lifetime <seconds>]\n"
        + "  --aud       the exact URL of the endpoint the token is for, e.g. http://127.0.0.1:5080/cds-services/besponsa-prior-auth\n"
        + "  --iss       default " + DefaultIssuer + "\n"
        + "  --key       default .devtoken/dev-ehr-es384.pem (created on first use, kept for later runs)\n"
        + "  --jwks      default .devtoken/dev-ehr-jwks.json (the public key set for CdsClients:N:JwksFile)\n"
        + "  --lifetime  default 300";

    public static int Main(string[] args) => Run(args, Console.Out, Console.Error, DateTimeOffset.UtcNow);

    public static int Run(string[] args, TextWriter output, TextWriter errors, DateTimeOffset now)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["--iss"] = DefaultIssuer,
            ["--key"] = Path.Combine(".devtoken", "dev-ehr-es384.pem"),
            ["--jwks"] = Path.Combine(".devtoken", "dev-ehr-jwks.json"),
            ["--lifetime"] = "300",
        };
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            options[args[i]] = args[i + 1];
        }

        if (args.Length % 2 != 0 || options.Count != 5 || !options.TryGetValue("--aud", out var audience)
            || !Uri.IsWellFormedUriString(audience, UriKind.Absolute)
            || !int.TryParse(options["--lifetime"], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds < 1)
        {
            errors.WriteLine(Usage);
            return 2;
        }

        using var minter = DevTokenMinter.LoadOrCreate(options["--key"], options["--iss"]);
        var jwks = Path.GetFullPath(options["--jwks"]);
        Directory.CreateDirectory(Path.GetDirectoryName(jwks)!);
        File.WriteAllText(jwks, minter.PublicJwks());
        errors.WriteLine($"Public JWKS: {jwks} (kid {minter.KeyId}). Trust this client, e.g. next to the Sandbox in Development:");
        errors.WriteLine($"  CdsClients__1__Issuer={minter.Issuer} CdsClients__1__JwksFile={jwks}");
        output.WriteLine(minter.Mint(audience, now, TimeSpan.FromSeconds(seconds)));
        return 0;
    }
}
