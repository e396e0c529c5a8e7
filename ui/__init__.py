"""The Gradio app: layout and event handlers only; calls assistant/, nothing deeper (issue: UI)."""
