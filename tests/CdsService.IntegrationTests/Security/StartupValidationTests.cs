using CdsService.IntegrationTests.Fixtures;

namespace CdsService.IntegrationTests.Security;

/// <summary>Production refuses to start on a configuration that would weaken client authentication, and says why.</summary>
public sealed class StartupValidationTests
{
    public static TheoryData<string, string, string?, string> Misconfigurations() => new()
    {
        { "no trusted client", "CdsClients", null, "No trusted CDS client is configured" },
        { "no public base URL", "Cds:PublicBaseUrl", null, "Cds:PublicBaseUrl must be set" },
        { "http public base URL", "Cds:PublicBaseUrl", "http://cds.example.org", "Cds:PublicBaseUrl must be set" },
        { "HS256 accepted", "Security:Algorithms:0", "HS256", "Security:Algorithms lists 'HS256'" },
        { "alg none accepted", "Security:Algorithms:0", "none", "Security:Algorithms lists 'none'" },
        { "anonymous loopback outside Development", "Security:AllowAnonymousFromLoopback", "true", "only allowed in Development" },
        { "JWKS URL over plain http", "CdsClients:0:JwksUri", "http://keys.example.org/jwks.json", "must be an absolute https URL" },
        { "inline JWKS not JSON", "CdsClients:0:Jwks", "{not json", "has no usable signing key" },
        { "JWKS file missing", "CdsClients:0:JwksFile", "/nonexistent/jwks.json", "cannot be read" },
        { "CORS wildcard", "Security:Cors:AllowedOrigins:0", "*", "Security:Cors:AllowedOrigins has '*'" },
        { "clock skew too large", "Security:ClockSkew", "01:00:00", "Security:ClockSkew is 01:00:00" },
    };

    [Theory]
    [MemberData(nameof(Misconfigurations))]
    public void Production_fails_fast_with_a_clear_message(string name, string key, string? value, string message)
    {
        using var jwks = TestKey.Ec("k1");
        var settings = key == "CdsClients"
            ? new Dictionary<string, string?> { ["Cds:PublicBaseUrl"] = "https://cds.example.org" }
            : ValidProductionSettings(jwks);
        if (key != "CdsClients")
        {
            settings[key] = value;
        }

        if (key == "CdsClients:0:JwksFile")
        {
            settings.Remove("CdsClients:0:Jwks");
        }

        var failures = StartupCheck.Failures("Production", settings);

        Assert.True(failures is not null, $"{name}: the service would start");
        Assert.Contains(failures, f => f.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void A_JWKS_holding_a_private_key_is_refused()
    {
        using var key = TestKey.Ec("k1");
        var leaked = key.PublicJwk();
        leaked["d"] = "c2VjcmV0LXByaXZhdGUta2V5LW1hdGVyaWFsLXRoYXQtbXVzdC1uZXZlci1iZS1zaGFyZWQ";
        var settings = ValidProductionSettings(key);
        settings["CdsClients:0:Jwks"] = TestKey.JwksOf(leaked);

        var failures = StartupCheck.Failures("Production", settings);

        Assert.NotNull(failures);
        Assert.Contains(failures, f => f.Message.Contains("contains private key material", StringComparison.Ordinal));
    }

    [Fact]
    public void A_valid_production_configuration_passes_validation()
    {
        using var key = TestKey.Ec("k1");

        Assert.Null(StartupCheck.Failures("Production", ValidProductionSettings(key)));
    }

    [Fact]
    public void A_valid_production_configuration_starts()
    {
        using var key = TestKey.Ec("k1");
        using var app = ValidProduction(key);

        using var client = app.CreateClient();

        Assert.NotNull(client);
    }

    private static Dictionary<string, string?> ValidProductionSettings(TestKey key) => new()
    {
        ["Cds:PublicBaseUrl"] = "https://cds.example.org",
        ["CdsClients:0:Issuer"] = "https://ehr.example.org",
        ["CdsClients:0:Jwks"] = TestKey.Jwks(key),
        ["Audit:PatientKeySecret"] = "test-only-patient-key-secret-0123456789abcdef",
    };

    private static CdsApp ValidProduction(TestKey key) => new CdsApp("Production")
        .With("Cds:PublicBaseUrl", "https://cds.example.org")
        .With("CdsClients:0:Issuer", "https://ehr.example.org")
        .With("CdsClients:0:Jwks", TestKey.Jwks(key));
}
