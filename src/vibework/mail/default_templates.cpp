#include "vibework/mail/default_templates.hpp"

namespace vibework::mail::detail {

namespace {
// One HTML frame for every kind: inline styles only, since mail clients drop <style> blocks.
std::string html_page(std::string_view intro, std::string_view button, std::string_view outro) {
  std::string page =
      "<!doctype html>\n<html><body style=\"font-family: sans-serif; line-height: 1.5; color: #222;\">\n"
      "<p>Hello {{name}},</p>\n<p>";
  page += intro;
  page += "</p>\n<p><a href=\"{{url}}\" style=\"display: inline-block; padding: 10px 18px; background: #2563eb; "
          "color: #fff; text-decoration: none; border-radius: 4px;\">";
  page += button;
  page += "</a></p>\n<p style=\"font-size: 13px; color: #555;\">Or open this link: <a href=\"{{url}}\">{{url}}</a></p>\n<p>";
  page += outro;
  page += "</p>\n<p>{{app_name}}</p>\n</body></html>\n";
  return page;
}

std::string text_page(std::string_view intro, std::string_view outro) {
  std::string text = "Hello {{name}},\n\n";
  text += intro;
  text += "\n\n{{url}}\n\n";
  text += outro;
  text += "\n\n{{app_name}}\n";
  return text;
}

Template make(std::string subject, std::string_view intro, std::string_view button, std::string_view outro) {
  return {std::move(subject), text_page(intro, outro), html_page(intro, button, outro)};
}
}  // namespace

const std::map<std::string, Template, std::less<>>& default_templates() {
  static const std::map<std::string, Template, std::less<>> templates = {
      {"verify-email", make("Verify your email address for {{app_name}}",
                            "Please confirm your email address for {{app_name}} by opening the link below.",
                            "Verify email address", "If you did not create an account, you can ignore this mail.")},
      {"reset-password", make("Reset your {{app_name}} password",
                              "Someone asked to reset the password of your {{app_name}} account. To choose a new "
                              "password, open the link below.",
                              "Reset password",
                              "If you did not ask for this, ignore this mail: your password stays as it is.")},
      {"change-email", make("Confirm your new email address for {{app_name}}",
                            "Please confirm the change of the email address of your {{app_name}} account by opening "
                            "the link below.",
                            "Confirm email change", "If you did not ask for this change, ignore this mail.")},
      {"delete-account", make("Confirm the deletion of your {{app_name}} account",
                              "Someone asked to delete your {{app_name}} account. To delete it for good, open the "
                              "link below.",
                              "Delete my account", "If you did not ask for this, ignore this mail: nothing is deleted.")},
  };
  return templates;
}

}  // namespace vibework::mail::detail
