using System.Reflection;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace CdsService.Policies.Terminology;

/// <summary>A policy value set as loaded: its file, the FHIR resource served to clients, and the runtime matcher.</summary>
internal sealed record LoadedValueSet(string File, ValueSet Resource, CodeSet Codes)
{
    public string Id => Resource.Id!;
}

/// <summary>
/// A policy's value sets, read once from the FHIR R4 ValueSet JSON files embedded under its folder
/// (<c>Policies/{Policy}/ValueSets/*.json</c>) with the Firely SDK. Every file is checked when it is loaded: a malformed,
/// empty or uncited value set, or one naming a code system the service does not know, stops start-up with a message
/// naming the file. Conventions the files follow:
/// <list type="bullet">
/// <item>each <c>compose.include</c> (or each of its concepts) carries the <see cref="SourceExtension"/> extension with a
/// <c>valueString</c> or <c>valueUri</c> citing the public source of its codes;</item>
/// <item>a filter <c>concept is-a X</c> is allowed only for ATC and ICD-10-CM, whose codes are hierarchical by prefix,
/// and means "X and every code below it";</item>
/// <item>NDC codes match in every published format (<see cref="Ndc"/>); ICD-10-CM with or without its dot.</item>
/// </list>
/// </summary>
internal sealed class ValueSetLibrary
{
    /// <summary>The extension, on an include or a concept, that cites where its codes come from.</summary>
    public const string SourceExtension = "http://payer.example.org/fhir/StructureDefinition/code-source";

    private static readonly HashSet<string> HierarchicalSystems = [CodeSystems.Atc, CodeSystems.Icd10Cm];

    private readonly Dictionary<string, LoadedValueSet> _sets;

    public ValueSetLibrary(IEnumerable<LoadedValueSet> sets)
    {
        _sets = new Dictionary<string, LoadedValueSet>(StringComparer.Ordinal);
        foreach (var set in sets)
        {
            if (!_sets.TryAdd(set.Id, set))
            {
                throw new InvalidDataException($"Value set file {set.File}: id '{set.Id}' is already used by {_sets[set.Id].File}.");
            }
        }
    }

    public IReadOnlyCollection<LoadedValueSet> All => _sets.Values;

    /// <summary>The matcher of a value set this policy's code names; a missing one is a programming error.</summary>
    public CodeSet this[string id] => _sets.TryGetValue(id, out var set)
        ? set.Codes
        : throw new InvalidOperationException($"No value set '{id}' is loaded.");

    public LoadedValueSet? Find(string id) => _sets.GetValueOrDefault(id);

    /// <summary>Every embedded value set whose resource name starts with <paramref name="prefix"/>.</summary>
    public static ValueSetLibrary LoadEmbedded(Assembly assembly, string prefix)
    {
        var names = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (names.Count == 0)
        {
            throw new InvalidDataException($"No value set files are embedded under '{prefix}'.");
        }

        return new ValueSetLibrary(names.Select(name =>
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            return Parse(name, reader.ReadToEnd());
        }));
    }

    /// <summary>Parses and validates one ValueSet file; throws <see cref="InvalidDataException"/> naming it.</summary>
    public static LoadedValueSet Parse(string file, string json)
    {
        ValueSet resource;
        try
        {
            resource = new FhirJsonDeserializer(new DeserializerSettings()).Deserialize<ValueSet>(json);
        }
        catch (Exception e) when (e is DeserializationFailedException or FormatException or System.Text.Json.JsonException or InvalidCastException)
        {
            throw new InvalidDataException($"Value set file {file} is not a valid FHIR R4 ValueSet: {e.Message}", e);
        }

        if (string.IsNullOrWhiteSpace(resource.Id) || string.IsNullOrWhiteSpace(resource.Url))
        {
            throw Invalid(file, "has no id or url");
        }

        var includes = resource.Compose?.Include ?? [];
        if (includes.Count == 0)
        {
            throw Invalid(file, "is empty (compose.include has no entries)");
        }

        var codes = new CodeSet(resource.Id);
        foreach (var (include, index) in includes.Select((i, n) => (i, n)))
        {
            var where = $"compose.include[{index}]";
            if (include.System is not { } system || !CodeSystems.Known.Contains(system))
            {
                throw Invalid(file, $"{where} names an unknown code system '{include.System}'");
            }

            if (include.ValueSet.Any())
            {
                throw Invalid(file, $"{where} includes other value sets, which this loader does not expand");
            }

            var included = Cited(include);
            if (include.Concept.Count == 0 && include.Filter.Count == 0)
            {
                throw Invalid(file, $"{where} lists no concept and no filter");
            }

            foreach (var concept in include.Concept)
            {
                if (string.IsNullOrWhiteSpace(concept.Code))
                {
                    throw Invalid(file, $"{where} has a concept without a code");
                }

                if (!included && !Cited(concept))
                {
                    throw Invalid(file, $"{where} concept '{concept.Code}' cites no source ({SourceExtension})");
                }

                codes.Add(system, concept.Code);
            }

            foreach (var filter in include.Filter)
            {
                if (filter.Op != FilterOperator.IsA || filter.Property != "concept" || string.IsNullOrWhiteSpace(filter.Value)
                    || !HierarchicalSystems.Contains(system))
                {
                    throw Invalid(file, $"{where} has a filter other than 'concept is-a' on ATC or ICD-10-CM");
                }

                if (!included)
                {
                    throw Invalid(file, $"{where} filter cites no source ({SourceExtension})");
                }

                codes.AddPrefix(system, filter.Value);
            }
        }

        return new LoadedValueSet(file, resource, codes);
    }

    private static bool Cited(IExtendable element) => element.Extension.Any(e => e.Url == SourceExtension && e.Value switch
    {
        FhirString s => !string.IsNullOrWhiteSpace(s.Value),
        FhirUri u => !string.IsNullOrWhiteSpace(u.Value),
        _ => false,
    });

    private static InvalidDataException Invalid(string file, string problem) => new($"Value set file {file} {problem}.");
}
