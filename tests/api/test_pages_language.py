"""Server pages speak Chinese first, English on request, and remember the choice."""


def test_login_page_is_chinese_by_default_and_english_on_request(app):
    """Default zh_CN; ?lang=en switches and a cookie keeps it; ?lang=zh_CN switches back."""
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    assert "工作人员登录" in page and "连接中断，正在重新连接" in page and "测试县政务服务中心" in page
    english = client.get("/login?lang=en").get_data(as_text=True)
    assert "Staff login" in english and "Test County Government Service Center" in english
    remembered = client.get("/").get_data(as_text=True)
    assert "Clerk console" in remembered and "叫号台" not in remembered
    assert "工作人员登录" in client.get("/login?lang=zh_CN").get_data(as_text=True)


def test_wrong_password_says_so_in_chinese(app):
    """A failed login is refused with a readable message, and no session."""
    client = app.test_client()
    response = client.post("/login", data={"username": "clerk01", "password": "wrong-password"})
    assert response.status_code == 401 and "用户名或密码错误" in response.get_data(as_text=True)
    assert client.get("/console").status_code == 302
