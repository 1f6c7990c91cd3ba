"""JobExpressway engine: all the product's logic, importable without a browser.

Nothing in this package imports streamlit or gradio (tests/test_layering.py guards it).
"""
