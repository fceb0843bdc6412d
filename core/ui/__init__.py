"""The UI shell: base layout, navigation, language selection."""
