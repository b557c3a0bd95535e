import ArgumentParser
import Workflows

struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema of dataset specs (for editors' YAML language servers).",
        discussion: reflowed("""
        The repository ships it as fluosynth.schema.json (the examples point there).
        Example (VS Code with the YAML extension): write the schema with
          fluosynth schema > fluosynth.schema.json
        then start a spec with the line
          # yaml-language-server: $schema=fluosynth.schema.json
        """)
    )

    func run() throws {
        print(try JSONSchemaGenerator.datasetSchema(presets: PresetLibrary.standard().names))
    }
}
