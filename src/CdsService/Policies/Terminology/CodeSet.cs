using Hl7.Fhir.Model;

namespace CdsService.Policies.Terminology;

/// <summary>
/// The runtime matcher of a value set (loaded from its FHIR ValueSet file by <see cref="ValueSetLibrary"/>): exact system+code pairs, plus code prefixes for hierarchical systems (ATC groups,
/// ICD-10-CM categories). Matching is always on system and code, never on display text.
/// </summary>
internal sealed class CodeSet
{
    private readonly HashSet<(string System, string Code)> _codes = [];
    private readonly List<(string System, string Prefix)> _prefixes = [];

    public CodeSet(string name) => Name = name;

    public string Name { get; }

    public CodeSet Add(string system, params string[] codes)
    {
        foreach (var code in codes)
        {
            if (system == CodeSystems.Ndc && Ndc.ToProduct(code) is { } product)
            {
                // A two-segment NDC (labeler-product) names every package of the product.
                _prefixes.Add((system, product));
                continue;
            }

            _codes.Add((system, Normalise(system, code)));
            if (system == CodeSystems.Ndc)
            {
                // A bare 10-digit NDC is ambiguous in general; it is compared with the listed code's unhyphenated form.
                _codes.Add((system, code.Trim().Replace("-", "", StringComparison.Ordinal)));
            }
        }

        return this;
    }

    public CodeSet AddPrefix(string system, string prefix)
    {
        _prefixes.Add((system, Normalise(system, prefix)));
        return this;
    }

    public bool Contains(Coding? coding) =>
        coding?.System is { } system && coding.Code is { } raw && Contains(system, raw);

    public bool Contains(string system, string code)
    {
        var normalised = Normalise(system, code);
        if (_codes.Contains((system, normalised)))
        {
            return true;
        }

        // A loop, not Exists with a lambda: this runs for every coding of every prefetch Observation.
        foreach (var (prefixSystem, prefix) in _prefixes)
        {
            if (prefixSystem == system && normalised.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>One set holding every code and prefix of <paramref name="sets"/>: one lookup instead of one per set.</summary>
    public static CodeSet Union(string name, IEnumerable<CodeSet> sets)
    {
        var union = new CodeSet(name);
        foreach (var set in sets)
        {
            union._codes.UnionWith(set._codes);
            union._prefixes.AddRange(set._prefixes);
        }

        return union;
    }

    public bool ContainsAny(IEnumerable<Coding>? codings) => codings?.Any(Contains) ?? false;

    public bool ContainsAny(CodeableConcept? concept) => ContainsAny(concept?.Coding);

    // ICD-10-CM arrives with and without its dot, NDC in 4-4-2 / 5-3-2 / 5-4-1 / 11-digit forms, and one corpus file
    // carries a stray leading space.
    private static string Normalise(string system, string code)
    {
        var trimmed = code.Trim();
        return system switch
        {
            CodeSystems.Icd10Cm => trimmed.Replace(".", "", StringComparison.Ordinal).ToUpperInvariant(),
            CodeSystems.Ndc => Ndc.ToEleven(trimmed) ?? trimmed,
            _ => trimmed,
        };
    }
}
