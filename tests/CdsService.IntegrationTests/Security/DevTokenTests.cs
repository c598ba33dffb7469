using System.Net;
using CdsService.IntegrationTests.Fixtures;
using DevToken;

namespace CdsService.IntegrationTests.Security;

/// <summary>The README's local-testing recipe: tools/DevToken writes a JWKS and mints a token the service accepts.</summary>
public sealed class DevTokenTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("devtoken-").FullName;

    [Fact]
    public async Task A_token_minted_by_DevToken_is_accepted_and_its_key_survives_a_second_run()
    {
        string[] args = ["--aud", "https://cds.example.org" + CdsApp.BesponsaService, "--key", Path.Combine(_directory, "key.pem"), "--jwks", Path.Combine(_directory, "jwks.json")];
        var first = Run(args);
        var second = Run(args);
        using var app = new CdsApp("Production")
            .With("Cds:PublicBaseUrl", "https://cds.example.org")
            .With("CdsClients:0:Issuer", DevTokenProgram.DefaultIssuer)
            .With("CdsClients:0:JwksFile", Path.Combine(_directory, "jwks.json"));

        var statuses = new List<HttpStatusCode>();
        foreach (var token in new[] { first, second })
        {
            using var client = app.CreateClient();
            using var request = new HttpRequestMessage(HttpMethod.Post, CdsApp.BesponsaService)
            {
                Content = new StringContent(Examples.Read("scenarios/05-ph-negative-adult-all-met/request.json"), System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("Authorization", "Bearer " + token);
            using var response = await client.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK], statuses);
    }

    [Fact]
    public void Without_an_audience_it_prints_usage_and_no_token()
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();

        var exit = DevTokenProgram.Run(["--key", Path.Combine(_directory, "key.pem")], output, errors, CdsApp.Today);

        Assert.Equal(2, exit);
        Assert.Empty(output.ToString());
        Assert.StartsWith("usage:", errors.ToString(), StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string Run(string[] args)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        Assert.Equal(0, DevTokenProgram.Run(args, output, errors, CdsApp.Today));
        return output.ToString().Trim();
    }
}
