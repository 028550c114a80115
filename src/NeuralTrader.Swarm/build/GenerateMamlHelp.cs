// MSBuild task (RoslynCodeTaskFactory) that writes the module's MAML help from the cmdlet sources: the [Cmdlet],
// [OutputType], [Parameter], [Alias], [SupportsWildcards] attributes and the doc comments
// (<para type="synopsis|description">, <example><code/><para/></example>). Base classes' parameters are included, and those of a parameter set a cmdlet holds for IDynamicParameters.
// It reads the sources as text, so the sources keep one attribute per line (the house style anyway).
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public class GenerateMamlHelp : Task
{
    [Required] public ITaskItem[] SourceFiles { get; set; }
    [Required] public string OutputFile { get; set; }

    private sealed class Prop
    {
        public string Name, Type; public XElement Doc; public List<string> Attributes = new List<string>();
    }

    private sealed class Cls
    {
        public string Name, Base; public List<string> Held = new List<string>(); public XElement Doc; public List<string> Attributes = new List<string>(); public List<Prop> Props = new List<Prop>();
    }

    private static readonly XNamespace Msh = "http://msh";
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    public override bool Execute()
    {
        var classes = new Dictionary<string, Cls>();
        foreach (var item in SourceFiles)
        {
            var path = item.GetMetadata("FullPath");
            if (path.EndsWith(".cs", StringComparison.OrdinalIgnoreCase) && File.Exists(path))
                foreach (var c in Parse(File.ReadAllLines(path)))
                    classes[c.Name] = c;
        }

        var root = new XElement(Msh + "helpItems", new XAttribute("schema", "maml"));
        foreach (var cls in classes.Values.OrderBy(c => c.Name))
        {
            var cmdlet = cls.Attributes.FirstOrDefault(a => a.StartsWith("Cmdlet("));
            if (cmdlet == null)
                continue;
            var m = Regex.Match(cmdlet, @"Cmdlet\(\s*Verbs\w+\.(\w+)\s*,\s*""([^""]+)""");
            if (!m.Success)
            {
                Log.LogError("Cannot read the Cmdlet attribute of " + cls.Name);
                continue;
            }
            root.Add(CommandElement(m.Groups[1].Value, m.Groups[2].Value, cls, classes));
        }
        var doc = new XDocument(new XDeclaration("1.0", "utf-8", null), root);
        Directory.CreateDirectory(Path.GetDirectoryName(OutputFile));
        doc.Save(OutputFile);
        Log.LogMessage(MessageImportance.Normal, "Help: " + OutputFile);
        return !Log.HasLoggedErrors;
    }

    private static IEnumerable<Cls> Parse(string[] lines)
    {
        var doc = new List<string>();
        var attributes = new List<string>();
        Cls current = null;
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.StartsWith("///"))
            {
                doc.Add(line.Length > 3 && line[3] == ' ' ? line.Substring(4) : line.Substring(3));
                continue;
            }
            if (line.StartsWith("[") && line.EndsWith("]"))
            {
                attributes.Add(line.Substring(1, line.Length - 2));
                continue;
            }
            var cm = Regex.Match(line, @"\bclass\s+(\w+)(?:\s*:\s*([\w.]+))?");
            if (cm.Success && !line.StartsWith("//"))
            {
                current = new Cls { Name = cm.Groups[1].Value, Base = cm.Groups[2].Value, Doc = Xml(doc), Attributes = new List<string>(attributes) };
                yield return current;
            }
            else
            {
                // A parameter set the cmdlet offers through IDynamicParameters: private readonly X _x = new X();
                var held = Regex.Match(line, @"^private\s+readonly\s+(\w+)\s+\w+\s*=\s*new\s+\1\(\);");
                if (held.Success && current != null)
                    current.Held.Add(held.Groups[1].Value);
                var pm = Regex.Match(line, @"^public\s+([\w\[\]<>?.,]+)\s+(\w+)\s*\{\s*get;\s*set;\s*\}");
                if (pm.Success && current != null && attributes.Any(a => a.StartsWith("Parameter")))
                    current.Props.Add(new Prop { Type = pm.Groups[1].Value, Name = pm.Groups[2].Value, Doc = Xml(doc), Attributes = new List<string>(attributes) });
            }
            if (line.Length > 0)
            {
                doc.Clear();
                attributes.Clear();
            }
        }
    }

    private static XElement Xml(List<string> doc)
    {
        if (doc.Count == 0)
            return new XElement("doc");
        try
        {
            return XElement.Parse("<doc>" + string.Join("\n", doc) + "</doc>", LoadOptions.PreserveWhitespace);
        }
        catch (System.Xml.XmlException)
        {
            return new XElement("doc");
        }
    }

    private static IEnumerable<string> Paras(XElement doc, string type) =>
        doc.Descendants("para").Where(p => (string)p.Attribute("type") == type).Select(p => Normalize(p.Value));

    private static string Normalize(string text) => Regex.Replace(text.Trim(), @"\s+", " ");

    private static XElement MamlParas(XName name, IEnumerable<string> paras)
    {
        var list = paras.ToList();
        if (list.Count == 0)
            list.Add("");
        return new XElement(name, list.Select(p => new XElement(Maml + "para", p)));
    }

    private static List<Prop> AllProps(Cls cls, Dictionary<string, Cls> classes)
    {
        var chain = new List<Cls>();
        for (var c = cls; c != null; c = c.Base != null && classes.ContainsKey(c.Base) ? classes[c.Base] : null)
            chain.Insert(0, c);
        return chain.SelectMany(c => c.Props.Concat(c.Held.Where(classes.ContainsKey).SelectMany(h => classes[h].Props))).ToList();
    }

    private static string Arg(string attribute, string name)
    {
        var m = Regex.Match(attribute, name + @"\s*=\s*(""[^""]*""|[\w.]+)");
        return m.Success ? m.Groups[1].Value.Trim('"') : null;
    }

    private static string DisplayType(string type)
    {
        type = type.TrimEnd('?');
        var array = type.EndsWith("[]");
        var core = array ? type.Substring(0, type.Length - 2) : type;
        switch (core)
        {
            case "string": core = "String"; break;
            case "int": core = "Int32"; break;
            case "double": core = "Double"; break;
            case "bool": core = "Boolean"; break;
            case "object": core = "Object"; break;
        }
        return core + (array ? "[]" : "");
    }

    private XElement ParameterElement(Prop p, string set)
    {
        var attrs = p.Attributes.Where(a => a.StartsWith("Parameter")).ToList();
        var attr = attrs.FirstOrDefault(a => Arg(a, "ParameterSetName") == set) ?? attrs.FirstOrDefault(a => Arg(a, "ParameterSetName") == null) ?? attrs[0];
        var mandatory = Arg(attr, "Mandatory") == "true";
        var position = Arg(attr, "Position") ?? "named";
        var byValue = Arg(attr, "ValueFromPipeline") == "true";
        var byName = Arg(attr, "ValueFromPipelineByPropertyName") == "true";
        var pipeline = byValue || byName ? "True (" + string.Join(", ", new[] { byValue ? "ByValue" : null, byName ? "ByPropertyName" : null }.Where(x => x != null)) + ")" : "False";
        var alias = p.Attributes.FirstOrDefault(a => a.StartsWith("Alias("));
        var aliases = alias == null ? "none" : string.Join(", ", Regex.Matches(alias, @"""([^""]+)""").Cast<Match>().Select(m => m.Groups[1].Value));
        var globbing = p.Attributes.Any(a => a == "SupportsWildcards") ? "true" : "false";
        var type = DisplayType(p.Type);
        var description = Paras(p.Doc, "description").ToList();
        var validateSet = p.Attributes.FirstOrDefault(a => a.StartsWith("ValidateSet("));
        var element = new XElement(Command + "parameter",
            new XAttribute("required", mandatory ? "true" : "false"),
            new XAttribute("variableLength", type.EndsWith("[]") ? "true" : "false"),
            new XAttribute("globbing", globbing),
            new XAttribute("pipelineInput", pipeline),
            new XAttribute("position", position),
            new XAttribute("aliases", aliases),
            new XElement(Maml + "name", p.Name),
            MamlParas(Maml + "description", description));
        if (validateSet != null)
            element.Add(new XElement(Command + "parameterValueGroup",
                Regex.Matches(validateSet, @"""([^""]+)""").Cast<Match>().Select(m =>
                    new XElement(Command + "parameterValue", new XAttribute("required", "false"), new XAttribute("variableLength", "false"), m.Groups[1].Value))));
        if (type != "SwitchParameter")
            element.Add(new XElement(Command + "parameterValue", new XAttribute("required", "true"), new XAttribute("variableLength", "false"), type));
        element.Add(new XElement(Dev + "type", new XElement(Maml + "name", type), new XElement(Maml + "uri")));
        element.Add(new XElement(Dev + "defaultValue", type == "SwitchParameter" ? "False" : "None"));
        return element;
    }

    private XElement CommandElement(string verb, string noun, Cls cls, Dictionary<string, Cls> classes)
    {
        var name = verb + "-" + noun;
        var props = AllProps(cls, classes);
        var sets = props.SelectMany(p => p.Attributes).Where(a => a.StartsWith("Parameter")).Select(a => Arg(a, "ParameterSetName")).Where(s => s != null).Distinct().ToList();
        if (sets.Count == 0)
            sets.Add(null);
        var syntax = new XElement(Command + "syntax");
        foreach (var set in sets)
        {
            var item = new XElement(Command + "syntaxItem", new XElement(Maml + "name", name));
            foreach (var p in props.Where(p => p.Attributes.Any(a => a.StartsWith("Parameter") && (Arg(a, "ParameterSetName") == null || Arg(a, "ParameterSetName") == set))))
                item.Add(ParameterElement(p, set));
            syntax.Add(item);
        }
        if (cls.Attributes.Any(a => a.Contains("SupportsShouldProcess = true")))
            foreach (var common in new[] { "WhatIf", "Confirm" })
                foreach (var item in syntax.Elements())
                    item.Add(new XElement(Command + "parameter", new XAttribute("required", "false"), new XAttribute("variableLength", "false"),
                        new XAttribute("globbing", "false"), new XAttribute("pipelineInput", "False"), new XAttribute("position", "named"), new XAttribute("aliases", common == "WhatIf" ? "wi" : "cf"),
                        new XElement(Maml + "name", common),
                        MamlParas(Maml + "description", new[] { common == "WhatIf" ? "Shows what would happen if the cmdlet runs. The cmdlet is not run." : "Prompts you for confirmation before running the cmdlet." }),
                        new XElement(Dev + "type", new XElement(Maml + "name", "SwitchParameter"), new XElement(Maml + "uri")),
                        new XElement(Dev + "defaultValue", "False")));

        var parameters = new XElement(Command + "parameters", props.Select(p => ParameterElement(p, sets[0])));
        var outputs = cls.Attributes.Where(a => a.StartsWith("OutputType(")).Select(a => Regex.Match(a, @"typeof\(([\w.]+)\)").Groups[1].Value).ToList();
        var inputs = props.Where(p => p.Attributes.Any(a => a.StartsWith("Parameter") && (a.Contains("ValueFromPipeline = true") || a.Contains("ValueFromPipelineByPropertyName = true"))))
            .Select(p => DisplayType(p.Type)).Distinct().ToList();
        var examples = new XElement(Command + "examples");
        int n = 0;
        foreach (var example in cls.Doc.Elements("example"))
        {
            n++;
            examples.Add(new XElement(Command + "example",
                new XElement(Maml + "title", "-------------------------- Example " + n + " --------------------------"),
                new XElement(Dev + "code", string.Join("\n", ((string)example.Element("code") ?? "").Trim().Split('\n').Select(l => l.TrimEnd()))),
                new XElement(Dev + "remarks", example.Elements("para").Select(p => new XElement(Maml + "para", Normalize(p.Value))))));
        }
        if (n == 0)
            Log.LogError("Cmdlet " + name + " has no <example> in its doc comment.");
        var synopsis = Paras(cls.Doc, "synopsis").ToList();
        if (synopsis.Count == 0)
            Log.LogError("Cmdlet " + name + " has no <para type=\"synopsis\"> in its doc comment.");

        return new XElement(Command + "command",
            new XAttribute(XNamespace.Xmlns + "maml", Maml),
            new XAttribute(XNamespace.Xmlns + "command", Command),
            new XAttribute(XNamespace.Xmlns + "dev", Dev),
            new XElement(Command + "details",
                new XElement(Command + "name", name),
                new XElement(Command + "verb", verb),
                new XElement(Command + "noun", noun),
                MamlParas(Maml + "description", synopsis)),
            MamlParas(Maml + "description", Paras(cls.Doc, "description")),
            syntax,
            parameters,
            new XElement(Command + "inputTypes", (inputs.Count == 0 ? new List<string> { "None" } : inputs).Select(t =>
                new XElement(Command + "inputType", new XElement(Dev + "type", new XElement(Maml + "name", t)), MamlParas(Maml + "description", new string[0])))),
            new XElement(Command + "returnValues", outputs.Select(t =>
                new XElement(Command + "returnValue", new XElement(Dev + "type", new XElement(Maml + "name", t == "void" ? "None" : t.Contains(".") ? t : "NeuralTrader.Swarm." + t)), MamlParas(Maml + "description", new string[0])))),
            new XElement(Maml + "alertSet", new XElement(Maml + "alert", new XElement(Maml + "para", "See about_NeuralTrader.Swarm for the module overview."))),
            examples,
            new XElement(Command + "relatedLinks", new XElement(Maml + "navigationLink", new XElement(Maml + "linkText", "about_NeuralTrader.Swarm"), new XElement(Maml + "uri"))));
    }
}
