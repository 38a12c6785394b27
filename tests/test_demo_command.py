"""`gms demo` loads the demo data and really serves it (app.run() would be ignored inside a
Flask CLI command)."""

from __future__ import annotations


def test_demo_serves_the_app(app, runner, monkeypatch):
    served = {}

    def fake_run_simple(host, port, application, **options):
        served.update(host=host, port=port, app=application, options=options)

    monkeypatch.setattr("gms.commands.demo.run_simple", fake_run_simple)
    result = runner.invoke(args=["demo", "--port", "5099"])
    assert result.exit_code == 0, result.output
    assert "staff@demo.gms.kg" in result.output and "Serving on" in result.output
    assert served["port"] == 5099 and served["app"] is app
    assert served["options"]["use_reloader"] is False
