using System.Text.Json;
using CdsService.CdsHooks;

namespace CdsService.Cards;

/// <summary>
/// Da Vinci CRD configuration (deviations.md): the options a service offers in discovery
/// (<c>davinci-crd.configuration-options</c>, one boolean per card type it returns, plus <c>max-cards</c>) and the values
/// a client sends per call (<c>davinci-crd.configuration</c>). Supported options are honoured, unknown ones and values of
/// the wrong type are ignored, and none is required (§dev-14..17).
/// </summary>
internal sealed class CrdConfiguration
{
    public const string OptionsExtension = "davinci-crd.configuration-options";
    public const string RequestExtension = "davinci-crd.configuration";
    public const string CoverageInfo = "coverage-info";
    public const string MaxCards = "max-cards";

    /// <summary>CRD's child of coverage-info: whether the payer may answer with a determination on the spot (false for "what-if" calls, §found-35).</summary>
    public const string UnsolicitedDeterminations = "unsolicited-determ";
    public const int DefaultMaxCards = 10;

    /// <summary>The card types this service returns; each can be switched off by a boolean option of the same code.</summary>
    public static readonly IReadOnlyList<(string Code, string Name, string Description)> CardTypes =
    [
        (CoverageInfo, "Coverage information", "Coverage and prior-authorization guidance: the summary, documentation and attestation cards, and the coverage-information system action."),
        ("therapy-alternatives-req", "Required therapy alternatives", "Step-therapy requirements that are not met (for example a TKI for Ph+ ALL)."),
        ("appropriate-use", "Appropriate use", "Companion orders the label requires, such as baseline liver tests."),
        ("contraindication", "Contraindication", "Hard stops such as age under 1 year or hepatic VOD on renewal."),
    ];

    private readonly IReadOnlyDictionary<string, JsonElement> _values;

    private CrdConfiguration(IReadOnlyDictionary<string, JsonElement> values) => _values = values;

    public static CrdConfiguration From(HookRequest request) =>
        new(request.Extensions.TryGetValue(RequestExtension, out var config) && config.ValueKind == JsonValueKind.Object
            ? config.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal)
            : new Dictionary<string, JsonElement>());

    /// <summary>The discovery entries, each with code, type, name, description and default (§dev-4).</summary>
    public static IReadOnlyList<object> Options =>
    [
        .. CardTypes.Select(t => new ConfigurationOption(t.Code, "boolean", t.Name, t.Description, true)),
        new ConfigurationOption(UnsolicitedDeterminations, "boolean", "Unsolicited determinations", "Whether a fully documented order may be approved on the spot (pa-needed = satisfied with an authorization number); send false for what-if calls.", true),
        new ConfigurationOption(MaxCards, "integer", "Maximum cards", "The most cards returned in one response, most severe first.", DefaultMaxCards),
    ];

    public bool Enabled(string cardType) =>
        !_values.TryGetValue(cardType, out var value) || value.ValueKind != JsonValueKind.False;

    public int CardLimit =>
        _values.TryGetValue(MaxCards, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var max)
            ? Math.Max(0, max)
            : DefaultMaxCards;

    private sealed record ConfigurationOption(string Code, string Type, string Name, string Description, object Default);
}
