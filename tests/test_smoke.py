def test_ask_seed(client):
    r = client.get("/api/v1/ask?q=How many deputies?")
    assert r.status_code == 200
    assert r.get_json()["results"][0]["article"]["title"].startswith("Unicameral")
