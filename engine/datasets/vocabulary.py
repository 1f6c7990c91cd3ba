"""The hand-curated occupational vocabulary behind generated jobs, skill extraction and category mapping.

Grounded in real occupations (O*NET 29.2 titles and technology skills, used under CC BY 4.0 while writing;
the product does not read O*NET at run time). Each category lists its roles with a typical mid-level yearly
salary in USD and the core skills every posting of that role names, a skill pool that optional skills come
from, responsibility templates (``{A|B}`` names skills the sentence fits; it is filled with one the posting
lists, and a template whose skills the posting lacks is not used), the degree field, the
education levels it hires at, how often it is remote, and its seniority ladder.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

# Education levels, lowest first (the same words the importers map other sources onto).
EDUCATION_LEVELS = (
    "High School", "Vocational Certificate", "Associate Degree", "Bachelor's Degree", "Master's Degree", "Doctorate",
)
EMPLOYMENT_TYPES = ("Full-time", "Part-time", "Contract", "Temporary", "Internship")

# Skills any category may ask for; never the only skills of a posting.
SOFT_SKILLS = (
    "Communication", "Teamwork", "Problem Solving", "Time Management", "Attention to Detail", "Leadership",
    "Stakeholder Management", "Critical Thinking", "Adaptability", "Customer Focus",
)

# Seniority ladders: (title prefix, salary factor, years of experience (lo, hi), weight).
LADDERS = {
    "professional": (("Junior ", 0.72, (0, 2), 0.22), ("", 1.0, (2, 5), 0.40),
                     ("Senior ", 1.28, (5, 9), 0.28), ("Lead ", 1.48, (8, 12), 0.10)),
    "trade": (("Apprentice ", 0.62, (0, 1), 0.15), ("", 1.0, (2, 5), 0.55),
              ("Senior ", 1.18, (5, 10), 0.22), ("Lead ", 1.3, (8, 15), 0.08)),
    "clinical": (("", 1.0, (1, 4), 0.65), ("Senior ", 1.2, (5, 10), 0.35)),
    "service": (("", 1.0, (0, 3), 0.8), ("Senior ", 1.15, (3, 6), 0.2)),
}


@dataclass(frozen=True)
class Role:
    title: str
    salary: int              # typical mid-level yearly salary, USD
    core: tuple[str, ...]    # skills every posting of this role names
    fixed: bool = False      # title takes no seniority prefix (e.g. "Head Chef")
    related: tuple[str, ...] = ()  # where optional skills come from; empty = the category's whole pool


@dataclass(frozen=True)
class Category:
    name: str
    roles: tuple[Role, ...]
    skills: tuple[str, ...]          # the pool optional skills come from (core skills are added to it)
    duties: tuple[str, ...]          # responsibility templates; {A|B|C} = skills that fit the sentence
    team: str
    intro: str                       # what the work is, one sentence fragment
    field: str                       # degree field
    education: tuple[tuple[str, float], ...]
    remote: float                    # share of postings that are remote
    ladder: str = "professional"
    company_patterns: tuple[str, ...] = ()   # "{last}" / "{city}" templates; default: Faker companies
    part_time: float = 0.05

    @cached_property
    def pool(self) -> tuple[str, ...]:
        """Every skill a posting of this category may ask for: its own pool, its roles' skills and the
        tools that can stand in for any of them (``ALTERNATIVES``)."""
        seen = dict.fromkeys(self.skills)
        for role in self.roles:
            seen.update(dict.fromkeys(role.core))
            seen.update(dict.fromkeys(role.related))
        for skill in list(seen):
            seen.update(dict.fromkeys(alternatives(skill)))
        return tuple(seen)


def _roles(spec: str) -> tuple[Role, ...]:
    """One role a line: ``Title | salary | core skills | related skills`` (related is optional; a trailing
    ``!`` on the title = fixed)."""
    roles = []
    for line in spec.strip().splitlines():
        title, salary, core, *related = (part.strip() for part in line.split("|"))
        fixed = title.endswith("!")
        roles.append(Role(title.rstrip("!").strip(), int(salary), _list(core), fixed,
                          _list(related[0]) if related else ()))
    return tuple(roles)


def _list(text: str) -> tuple[str, ...]:
    return tuple(s.strip() for s in text.split(",") if s.strip())


PRO = (("Bachelor's Degree", 0.7), ("Master's Degree", 0.2), ("Associate Degree", 0.1))
PRO_HEAVY = (("Bachelor's Degree", 0.55), ("Master's Degree", 0.35), ("Doctorate", 0.1))
SERVICE = (("High School", 0.7), ("Vocational Certificate", 0.2), ("Associate Degree", 0.1))
TRADE = (("High School", 0.35), ("Vocational Certificate", 0.55), ("Associate Degree", 0.1))

CATEGORIES: tuple[Category, ...] = (
    Category(
        "Software Engineering",
        _roles("""
            Software Engineer | 125000 | Python, Git, REST APIs | Django, Flask, FastAPI, PostgreSQL, Docker, Unit Testing, CI/CD, AWS, Linux, Microservices, Design Patterns, Agile, Redis
            Backend Developer | 120000 | Java, Spring Boot, SQL | PostgreSQL, MySQL, Microservices, REST APIs, Docker, Kubernetes, Redis, Unit Testing, CI/CD, AWS, Git, Design Patterns
            Frontend Developer | 112000 | JavaScript, React, HTML, CSS | TypeScript, Redux, Next.js, Webpack, Sass, Jest, Unit Testing, REST APIs, GraphQL, Git, Agile, Tailwind CSS
            Full Stack Developer | 118000 | JavaScript, Node.js, React, SQL | TypeScript, PostgreSQL, MongoDB, REST APIs, GraphQL, Docker, Git, AWS, Unit Testing, CI/CD, Redis
            Mobile Developer | 120000 | Kotlin, Swift, Git | Flutter, React Native, REST APIs, Unit Testing, CI/CD, GraphQL, Agile, Design Patterns
            .NET Developer | 112000 | C#, .NET, SQL Server | Azure, REST APIs, Microservices, Unit Testing, Git, Angular, Docker, Design Patterns, Agile, CI/CD
            Embedded Software Engineer | 122000 | C, C++, Embedded Systems | Linux, Python, Git, Unit Testing, Rust, CI/CD, Design Patterns, Agile
            Go Developer | 130000 | Go, Microservices, gRPC | Kubernetes, Docker, PostgreSQL, Redis, REST APIs, Linux, AWS, CI/CD, Unit Testing, GraphQL, Git
        """),
        _list("Python, Java, JavaScript, TypeScript, Go, Rust, C++, C#, SQL, PostgreSQL, MySQL, MongoDB, Redis, "
              "Docker, Kubernetes, Git, REST APIs, GraphQL, Microservices, Unit Testing, CI/CD, Agile, Django, "
              "Flask, FastAPI, Spring Boot, Node.js, React, Angular, Vue.js, Linux, AWS, Design Patterns"),
        ("Design, build and maintain features using {Python|Java|JavaScript|TypeScript|Go|Rust|C++|C#|Kotlin|Swift|React|Node.js|Spring Boot|Django|.NET}",
         "Write clean, well-tested code in {Python|Java|JavaScript|TypeScript|Go|Rust|C|C++|C#|Kotlin|Swift} and review your teammates' pull requests",
         "Take part in architecture discussions and improve the performance of services built with {Microservices|REST APIs|gRPC|GraphQL|PostgreSQL|Redis|SQL Server|MongoDB}",
         "Work with product managers and designers to turn requirements into shippable software",
         "Debug production issues and add monitoring where it was missing",
         "Automate builds and tests with {CI/CD|Docker|Unit Testing|Git}",
         "Write technical documentation and mentor newer engineers"),
        "engineering team", "builds the software our customers use every day",
        "Computer Science, Software Engineering or a related field", PRO, 0.45,
    ),
    Category(
        "Data Science & Analytics",
        _roles("""
            Data Scientist | 130000 | Python, Machine Learning, Statistics, SQL | pandas, NumPy, scikit-learn, Deep Learning, PyTorch, A/B Testing, Jupyter, R, Regression Analysis, Data Visualization, NLP, Apache Spark, Forecasting
            Data Analyst | 82000 | SQL, Excel, Tableau | Python, Data Visualization, Statistics, Looker, A/B Testing, BigQuery, pandas, Regression Analysis, Forecasting, R
            Business Intelligence Analyst | 90000 | SQL, Power BI, Data Visualization | Excel, Tableau, Looker, BigQuery, Python, Statistics, Forecasting
            Machine Learning Engineer | 145000 | Python, PyTorch, Machine Learning, MLOps | Deep Learning, TensorFlow, scikit-learn, NLP, Docker, Kubernetes, Apache Spark, AWS, Jupyter, NumPy
            Quantitative Analyst | 140000 | Python, Statistics, R | Regression Analysis, Forecasting, Machine Learning, pandas, NumPy, SQL, Excel, MATLAB
            Analytics Engineer | 118000 | SQL, dbt, Data Modeling | BigQuery, Snowflake, Looker, Python, Apache Airflow, Git, Data Visualization, Tableau
        """),
        _list("Python, R, SQL, Statistics, Machine Learning, Deep Learning, pandas, NumPy, scikit-learn, "
              "TensorFlow, PyTorch, Tableau, Power BI, Excel, A/B Testing, Data Visualization, NLP, "
              "Jupyter, Apache Spark, Looker, Regression Analysis, Forecasting, BigQuery"),
        ("Analyse large datasets with {Python|R|SQL|pandas|Apache Spark|BigQuery|Excel} to answer business questions",
         "Build and validate predictive models using {Machine Learning|scikit-learn|PyTorch|TensorFlow|Statistics|Regression Analysis|Deep Learning|Forecasting}",
         "Design A/B tests and explain their results to decision makers",
         "Create dashboards in {Tableau|Power BI|Looker|Excel} that teams use every week",
         "Clean and prepare data, documenting assumptions and data quality issues",
         "Present findings to stakeholders in clear, non-technical language",
         "Partner with data engineers to make {dbt|Apache Spark|MLOps|BigQuery} pipelines reliable"),
        "data team", "turns data into decisions", "Statistics, Mathematics, Computer Science or a related field",
        PRO_HEAVY, 0.4,
    ),
    Category(
        "Data Engineering",
        _roles("""
            Data Engineer | 128000 | SQL, Python, Apache Spark, ETL | Apache Airflow, Apache Kafka, Snowflake, AWS, Data Modeling, Databricks, dbt, Docker, Git, Data Warehousing, PostgreSQL
            Big Data Engineer | 135000 | Apache Spark, Hadoop, Scala, SQL | Hive, Apache Kafka, Python, Java, Databricks, Delta Lake, AWS, NoSQL, Linux
            ETL Developer | 105000 | SQL, ETL, Informatica | Data Warehousing, Oracle Database, SQL Server, Data Modeling, Python, Apache Airflow, Linux
            Data Platform Engineer | 140000 | Apache Kafka, Apache Spark, SQL, Kubernetes | Docker, Python, Scala, Apache Airflow, Databricks, Delta Lake, AWS, GCP, Linux, Git
            Database Administrator | 108000 | SQL, PostgreSQL, Oracle Database, Database Tuning | MySQL, Linux, NoSQL, AWS, Azure, Data Modeling, Backup and Recovery
            Data Warehouse Engineer | 122000 | SQL, Snowflake, Data Modeling, dbt | Data Warehousing, ETL, BigQuery, Redshift, Apache Airflow, Python, Git
        """),
        _list("SQL, Python, Scala, Java, Apache Spark, Apache Kafka, Apache Airflow, Hadoop, Hive, ETL, "
              "Data Modeling, Data Warehousing, Snowflake, BigQuery, Redshift, dbt, PostgreSQL, MySQL, "
              "Oracle Database, AWS, Azure, GCP, Docker, Kubernetes, Databricks, Delta Lake, NoSQL, Linux, Git"),
        ("Build and operate batch and streaming pipelines with {Apache Spark|Apache Kafka|Databricks|Python|Scala}",
         "Design data models and warehouse tables in {Snowflake|BigQuery|Redshift|PostgreSQL|Oracle Database|dbt}",
         "Orchestrate ETL jobs with {Apache Airflow|dbt|Informatica|Databricks} and keep them observable",
         "Improve query performance and storage costs",
         "Guarantee data quality with tests, alerts and clear ownership",
         "Work with analysts and data scientists to deliver trusted datasets",
         "Migrate legacy jobs to {Apache Spark|Snowflake|Databricks|Delta Lake|AWS|Azure|GCP}"),
        "data platform team", "moves and shapes the data the whole company relies on",
        "Computer Science, Information Systems or a related field", PRO, 0.4,
    ),
    Category(
        "DevOps & Cloud",
        _roles("""
            DevOps Engineer | 130000 | Docker, Kubernetes, CI/CD, Linux | Terraform, Ansible, Jenkins, GitHub Actions, AWS, Bash, Python, Helm, Prometheus, Grafana, Git
            Site Reliability Engineer | 145000 | Kubernetes, Prometheus, Linux, Python | Grafana, Incident Management, Terraform, Go, AWS, GCP, Monitoring, Bash, Helm, Networking
            Cloud Engineer | 128000 | AWS, Terraform, Linux | Azure, GCP, Infrastructure as Code, Docker, Kubernetes, Python, Bash, Networking, CI/CD, Ansible
            Cloud Architect | 165000 | AWS, Azure, Cloud Architecture | GCP, Terraform, Kubernetes, Networking, Infrastructure as Code, Docker, Cloud Security
            Platform Engineer | 138000 | Kubernetes, Terraform, Go | Helm, Docker, AWS, CI/CD, Prometheus, Grafana, Linux, Python, GitHub Actions
            Build and Release Engineer | 115000 | Jenkins, Git, CI/CD | GitHub Actions, GitLab CI, Docker, Bash, Python, Linux, Ansible
        """),
        _list("AWS, Azure, GCP, Docker, Kubernetes, Terraform, Ansible, Jenkins, GitHub Actions, GitLab CI, "
              "CI/CD, Linux, Bash, Python, Go, Prometheus, Grafana, Helm, Networking, Infrastructure as Code, "
              "Cloud Architecture, Monitoring, Incident Management, Git"),
        ("Automate infrastructure with {Terraform|Ansible|Infrastructure as Code|Helm|Bash|Python}",
         "Run and scale production clusters on {Kubernetes|AWS|Azure|GCP|Linux}",
         "Own CI/CD pipelines built with {Jenkins|GitHub Actions|GitLab CI|CI/CD} and keep deployments fast and safe",
         "Set up monitoring and alerting with {Prometheus|Grafana|Monitoring}",
         "Lead incident response and write blameless post-mortems",
         "Reduce cloud costs while improving reliability",
         "Help developers ship with self-service tooling"),
        "platform team", "keeps our systems fast, reliable and secure",
        "Computer Science, Information Technology or a related field", PRO, 0.5,
    ),
    Category(
        "Cybersecurity",
        _roles("""
            Security Analyst | 105000 | SIEM, Incident Response, Network Security | Splunk, Threat Detection, Firewalls, Wireshark, Vulnerability Management, NIST, Linux
            Security Engineer | 140000 | Network Security, Cloud Security, Python | Identity and Access Management, Encryption, Firewalls, Threat Modeling, AWS, Linux, Vulnerability Management, SIEM
            Penetration Tester | 125000 | Penetration Testing, Kali Linux, Burp Suite | Wireshark, OWASP, Python, Linux, Vulnerability Management, Network Security
            SOC Analyst | 88000 | SIEM, Splunk, Threat Detection | Incident Response, Wireshark, Firewalls, Network Security, Linux
            Information Security Manager | 150000 | ISO 27001, Risk Assessment, Security Policies | NIST, CISSP, Incident Response, Identity and Access Management, Vulnerability Management
            Application Security Engineer | 145000 | OWASP, Threat Modeling, Secure Code Review | Burp Suite, Penetration Testing, Python, Cloud Security, Encryption
        """),
        _list("SIEM, Splunk, Incident Response, Network Security, Firewalls, Penetration Testing, Kali Linux, "
              "Burp Suite, Wireshark, Vulnerability Management, Threat Detection, Threat Modeling, OWASP, "
              "ISO 27001, NIST, Risk Assessment, Identity and Access Management, Cloud Security, Python, "
              "Security Policies, Secure Code Review, CISSP, Encryption, Linux"),
        ("Monitor alerts in {SIEM|Splunk} and investigate suspicious activity",
         "Lead incident response from detection to recovery",
         "Run vulnerability assessments and penetration tests using {Burp Suite|Kali Linux|Wireshark|Penetration Testing}",
         "Harden cloud and on-premise environments against attack",
         "Write and enforce security policies aligned with {ISO 27001|NIST|OWASP}",
         "Train staff on phishing and secure working habits",
         "Assess third-party risk and report findings to leadership"),
        "security team", "protects our customers and systems from attack",
        "Cybersecurity, Computer Science or a related field", PRO, 0.35,
    ),
    Category(
        "IT Support & Networking",
        _roles("""
            IT Support Specialist | 58000 | Troubleshooting, Windows, Active Directory | macOS, Microsoft 365, Ticketing Systems, ServiceNow, Hardware Repair, DNS, DHCP, VPN
            Help Desk Technician | 48000 | Troubleshooting, Ticketing Systems, Windows | macOS, Microsoft 365, Active Directory, ServiceNow, Hardware Repair, ITIL
            Network Engineer | 105000 | Cisco, TCP/IP, Routing and Switching | Firewalls, DNS, DHCP, VPN, Linux, Python, Wireshark
            Systems Administrator | 88000 | Windows Server, Linux, Active Directory | PowerShell, VMware, Bash, DNS, DHCP, Backup and Recovery, Microsoft 365
            Network Administrator | 85000 | Cisco, Firewalls, TCP/IP | Routing and Switching, VPN, DNS, DHCP, Windows Server, Troubleshooting
            IT Manager | 125000 | IT Service Management, ITIL, Budgeting | ServiceNow, Microsoft 365, Windows Server, Backup and Recovery, Active Directory, VMware
        """),
        _list("Troubleshooting, Windows, macOS, Linux, Active Directory, Microsoft 365, Ticketing Systems, "
              "ServiceNow, Cisco, TCP/IP, DNS, DHCP, VPN, Firewalls, Routing and Switching, Windows Server, "
              "VMware, PowerShell, ITIL, IT Service Management, Hardware Repair, Budgeting, Backup and Recovery"),
        ("Resolve hardware, software and network issues for staff using {Troubleshooting|Ticketing Systems|ServiceNow|Windows|macOS}",
         "Set up laptops, accounts and access for new starters",
         "Maintain servers and directories with {Active Directory|Windows Server|Linux|PowerShell|VMware}",
         "Configure and monitor network equipment from {Cisco|Firewalls|Routing and Switching}",
         "Track requests in the ticketing system and meet service levels",
         "Write how-to guides and keep the asset inventory current",
         "Plan backups and test recovery"),
        "IT team", "keeps everyone's computers, accounts and networks working",
        "Information Technology or a related field",
        (("Associate Degree", 0.35), ("Bachelor's Degree", 0.45), ("Vocational Certificate", 0.2)), 0.15,
    ),
    Category(
        "Product Management",
        _roles("""
            Product Manager | 135000 | Product Roadmapping, User Research, Agile | Jira, Prioritization, A/B Testing, Product Analytics, Market Research, Go-to-Market Strategy, OKRs, Wireframing, SQL, Confluence
            Product Owner | 115000 | Scrum, Backlog Management, User Stories | Jira, Agile, Prioritization, Confluence, User Research, Wireframing
            Technical Product Manager | 150000 | Product Roadmapping, APIs, SQL | Agile, Jira, Prioritization, Product Analytics, User Stories, OKRs, Confluence
            Product Analyst | 95000 | SQL, Product Analytics, A/B Testing | Amplitude, Excel, Market Research, Prioritization, OKRs
            Program Manager | 130000 | Program Management, Risk Management, Stakeholder Management | Agile, Jira, OKRs, Confluence, Scrum, Prioritization
        """),
        _list("Product Roadmapping, User Research, Agile, Scrum, Jira, Backlog Management, User Stories, "
              "A/B Testing, Product Analytics, SQL, Market Research, Go-to-Market Strategy, Prioritization, "
              "APIs, Wireframing, OKRs, Program Management, Risk Management, Amplitude, Confluence"),
        ("Own the roadmap for a product area and make prioritization calls using {Product Roadmapping|OKRs|Prioritization|Market Research|Product Analytics}",
         "Talk to customers and turn what you learn into clear user stories",
         "Work with engineering and design from discovery to launch",
         "Define success metrics and track them with {Amplitude|SQL|Product Analytics|A/B Testing}",
         "Run {Scrum|Agile|Backlog Management} sessions and keep the backlog healthy",
         "Coordinate launches with marketing, sales and support",
         "Communicate progress and trade-offs to leadership"),
        "product team", "decides what we build next and why", "Business, Computer Science or a related field",
        PRO, 0.4,
    ),
    Category(
        "Design (UX/UI)",
        _roles("""
            UX Designer | 105000 | User Research, Wireframing, Figma | Prototyping, Usability Testing, Information Architecture, Accessibility, Sketch
            UI Designer | 95000 | Figma, Visual Design, Design Systems | Typography, Accessibility, Adobe XD, Sketch, HTML, CSS
            Product Designer | 120000 | Figma, Prototyping, Interaction Design | User Research, Design Systems, Wireframing, Usability Testing, Accessibility
            UX Researcher | 110000 | User Research, Usability Testing, Survey Design | Wireframing, Prototyping, Information Architecture, Accessibility
            Graphic Designer | 62000 | Adobe Photoshop, Adobe Illustrator, Typography | Adobe InDesign, Branding, Visual Design, Figma
        """),
        _list("Figma, Sketch, Adobe XD, Adobe Photoshop, Adobe Illustrator, Adobe InDesign, User Research, "
              "Usability Testing, Wireframing, Prototyping, Interaction Design, Visual Design, Design Systems, "
              "Typography, Accessibility, Information Architecture, Survey Design, HTML, CSS, Branding"),
        ("Design user flows, wireframes and high-fidelity screens in {Figma|Sketch|Adobe XD}",
         "Plan and run usability tests and share what you learn",
         "Grow and maintain our design system with {Figma|Design Systems|Typography|Accessibility}",
         "Work closely with engineers so designs ship as intended",
         "Make sure our products meet accessibility standards",
         "Turn research insights into clear design decisions",
         "Produce visual assets for product and marketing using {Adobe Photoshop|Adobe Illustrator|Adobe InDesign|Figma}"),
        "design team", "shapes how people experience our products", "Design, HCI or a related field",
        (("Bachelor's Degree", 0.75), ("Associate Degree", 0.15), ("Master's Degree", 0.1)), 0.4,
    ),
    Category(
        "Marketing",
        _roles("""
            Marketing Manager | 105000 | Marketing Strategy, Campaign Management, Budgeting | SEO, Google Analytics, HubSpot, Marketing Automation, Branding, Public Relations
            Digital Marketing Specialist | 65000 | SEO, Google Ads, Google Analytics | SEM, Social Media Marketing, Email Marketing, HubSpot, Marketing Automation
            Content Marketing Manager | 85000 | Content Strategy, Copywriting, SEO | Content Creation, Social Media Marketing, Email Marketing, Google Analytics, HubSpot
            SEO Specialist | 62000 | SEO, Keyword Research, Google Analytics | SEM, Content Strategy, Google Ads, Copywriting
            Social Media Manager | 62000 | Social Media Marketing, Content Creation, Analytics | Copywriting, Campaign Management, Adobe Photoshop, Branding
            Marketing Coordinator | 52000 | Email Marketing, Event Planning, CRM | HubSpot, Social Media Marketing, Content Creation, Campaign Management, Salesforce
            Brand Manager | 110000 | Branding, Market Research, Marketing Strategy | Campaign Management, Public Relations, Content Strategy, Budgeting
        """),
        _list("SEO, SEM, Google Ads, Google Analytics, Social Media Marketing, Content Strategy, Copywriting, "
              "Email Marketing, HubSpot, Salesforce, CRM, Marketing Automation, Market Research, Branding, "
              "Campaign Management, Marketing Strategy, Content Creation, Keyword Research, Analytics, "
              "Budgeting, Event Planning, Public Relations, Adobe Photoshop"),
        ("Plan and run campaigns across channels using {Google Ads|HubSpot|Email Marketing|Social Media Marketing|Marketing Automation|Campaign Management}",
         "Grow organic traffic through {SEO|Content Strategy|Keyword Research|Content Creation}",
         "Track campaign performance in {Google Analytics|Analytics|HubSpot|Salesforce} and report on results",
         "Write and edit copy for the website, emails and ads",
         "Manage the marketing budget and agency partners",
         "Work with sales to generate qualified leads",
         "Keep our brand voice consistent everywhere"),
        "marketing team", "tells the world what we do", "Marketing, Communications or a related field",
        PRO, 0.3,
    ),
    Category(
        "Sales",
        _roles("""
            Sales Representative | 55000 | Prospecting, Negotiation, CRM | Cold Calling, Closing, Lead Generation, Salesforce, Territory Management
            Account Executive | 85000 | B2B Sales, Negotiation, Salesforce | Prospecting, Closing, Pipeline Management, Forecasting, Product Demonstrations
            Account Manager | 75000 | Account Management, Customer Relationship Management, Upselling | Salesforce, Negotiation, Customer Relationship Management, Pipeline Management
            Sales Manager | 115000 | Sales Management, Forecasting, Coaching | Salesforce, Pipeline Management, Territory Management, Negotiation, B2B Sales
            Business Development Representative | 58000 | Lead Generation, Cold Calling, Prospecting | Salesforce, HubSpot, CRM, B2B Sales
            Inside Sales Representative | 52000 | Cold Calling, CRM, Product Demonstrations | Prospecting, Salesforce, HubSpot, Closing, Upselling
        """),
        _list("Prospecting, Cold Calling, Lead Generation, Negotiation, B2B Sales, CRM, Salesforce, HubSpot, "
              "Account Management, Customer Relationship Management, Upselling, Pipeline Management, "
              "Forecasting, Sales Management, Coaching, Product Demonstrations, Closing, Territory Management"),
        ("Build a pipeline of new customers through {Prospecting|Cold Calling|Lead Generation}",
         "Run discovery calls and product demonstrations",
         "Negotiate and close deals that meet quarterly targets",
         "Keep every opportunity up to date in {Salesforce|HubSpot|CRM}",
         "Grow existing accounts by understanding their needs",
         "Forecast revenue accurately for your territory",
         "Share customer feedback with product and marketing"),
        "sales team", "helps customers find what they need", "Business or a related field",
        (("Bachelor's Degree", 0.6), ("High School", 0.25), ("Associate Degree", 0.15)), 0.25,
        ladder="service",
    ),
    Category(
        "Customer Support",
        _roles("""
            Customer Service Representative | 40000 | Customer Service, Phone Etiquette, Data Entry | Conflict Resolution, CRM, Live Chat Support, Empathy, Product Knowledge
            Customer Support Specialist | 46000 | Zendesk, Troubleshooting, Customer Service | Freshdesk, Live Chat Support, Ticketing Systems, Empathy, Product Knowledge
            Technical Support Engineer | 68000 | Troubleshooting, Ticketing Systems, SQL | Zendesk, Product Knowledge, Customer Service, Live Chat Support
            Customer Success Manager | 80000 | Customer Success, Onboarding, Account Management | CRM, Product Knowledge, Empathy, Zendesk
            Call Center Agent | 36000 | Phone Etiquette, Customer Service, Conflict Resolution | CRM, Data Entry, Empathy, Live Chat Support
        """),
        _list("Customer Service, Zendesk, Freshdesk, Ticketing Systems, Troubleshooting, Phone Etiquette, "
              "Live Chat Support, Conflict Resolution, Data Entry, CRM, Customer Success, Onboarding, "
              "Account Management, Empathy, Product Knowledge, SQL"),
        ("Answer customer questions by phone, email and chat using {Zendesk|Freshdesk|Live Chat Support|Phone Etiquette|Ticketing Systems}",
         "Resolve issues on first contact whenever possible",
         "Log every conversation accurately in {Zendesk|Freshdesk|CRM|Ticketing Systems}",
         "Escalate complex cases with clear notes",
         "Help new customers get started and see value quickly",
         "Spot recurring problems and report them to the product team",
         "Keep satisfaction scores high and response times low"),
        "support team", "makes sure every customer gets help fast", "Business or a related field",
        SERVICE, 0.35, ladder="service", part_time=0.2,
    ),
    Category(
        "Finance & Accounting",
        _roles("""
            Accountant | 75000 | Accounting, GAAP, Reconciliation | Excel, Month-End Close, Accounts Payable, Accounts Receivable, IFRS, QuickBooks
            Financial Analyst | 85000 | Financial Modeling, Excel, Forecasting | Budgeting, Variance Analysis, Financial Reporting, SAP
            Bookkeeper | 48000 | Bookkeeping, QuickBooks, Accounts Payable | Accounts Receivable, Reconciliation, Excel, Payroll
            Auditor | 80000 | Auditing, Internal Controls, GAAP | Accounting, IFRS, CPA, Excel, Financial Reporting
            Tax Accountant | 82000 | Tax Preparation, Tax Compliance, Accounting | GAAP, Excel, CPA, Reconciliation
            Payroll Specialist | 55000 | Payroll, ADP, Excel | Reconciliation, Accounts Payable, QuickBooks
            Finance Manager | 125000 | Budgeting, Financial Reporting, Forecasting | Variance Analysis, Financial Modeling, GAAP, SAP, Month-End Close
            Controller! | 140000 | Financial Reporting, GAAP, Internal Controls | Month-End Close, Budgeting, IFRS, CPA, Auditing
        """),
        _list("Accounting, GAAP, IFRS, Reconciliation, Financial Modeling, Financial Reporting, Excel, "
              "Forecasting, Budgeting, Bookkeeping, QuickBooks, SAP, Oracle Financials, Accounts Payable, "
              "Accounts Receivable, Auditing, Internal Controls, Tax Preparation, Tax Compliance, Payroll, "
              "ADP, Variance Analysis, CPA, Month-End Close"),
        ("Prepare monthly financial statements following {GAAP|IFRS}",
         "Reconcile accounts and investigate differences",
         "Build and maintain models in {Excel|Financial Modeling} for budgets and forecasts",
         "Support the month-end close and the annual audit",
         "Process invoices and payments accurately in {QuickBooks|SAP|Oracle Financials|ADP}",
         "Explain variances to budget holders",
         "Keep the company compliant with tax and reporting rules"),
        "finance team", "keeps our numbers accurate and our spending on plan",
        "Accounting, Finance or a related field", PRO, 0.2,
    ),
    Category(
        "Human Resources",
        _roles("""
            HR Generalist | 65000 | Employee Relations, HRIS, Onboarding | Performance Management, Benefits Administration, Workday, Employment Law, Payroll
            Recruiter | 68000 | Recruiting, Sourcing, Interviewing | Applicant Tracking Systems, LinkedIn Recruiter, Employer Branding, Onboarding
            Talent Acquisition Specialist | 72000 | Recruiting, Applicant Tracking Systems, Employer Branding | Sourcing, Interviewing, LinkedIn Recruiter, Workday, Diversity and Inclusion
            HR Manager | 105000 | Employee Relations, Employment Law, Performance Management | HRIS, Compensation, Workday, Diversity and Inclusion, Coaching
            Compensation and Benefits Specialist | 75000 | Compensation, Benefits Administration, Excel | Payroll, HRIS, Workday
            Learning and Development Specialist | 70000 | Training Design, Coaching, E-Learning | Performance Management, Onboarding, Diversity and Inclusion
        """),
        _list("Recruiting, Sourcing, Interviewing, Applicant Tracking Systems, Workday, HRIS, Onboarding, "
              "Employee Relations, Employment Law, Performance Management, Compensation, "
              "Benefits Administration, Payroll, Training Design, Coaching, E-Learning, Employer Branding, "
              "Excel, Diversity and Inclusion, LinkedIn Recruiter"),
        ("Manage the hiring process from job description to offer using {Applicant Tracking Systems|Workday|LinkedIn Recruiter}",
         "Source candidates and run structured interviews",
         "Advise managers on {Employment Law|Employee Relations|Performance Management|Compensation} and company policy",
         "Run onboarding so new hires are productive quickly",
         "Keep employee records accurate in {HRIS|Workday}",
         "Design training programmes and measure their impact",
         "Support performance reviews and compensation cycles"),
        "people team", "helps us hire, grow and keep great people", "Human Resources, Business or a related field",
        PRO, 0.3,
    ),
    Category(
        "Healthcare & Nursing",
        _roles("""
            Registered Nurse | 86000 | Patient Care, BLS, Medication Administration | ACLS, IV Therapy, Wound Care, Care Planning, Electronic Health Records, Epic, Triage
            Licensed Practical Nurse | 56000 | Patient Care, Vital Signs, BLS | Medication Administration, Wound Care, Infection Control, Electronic Health Records
            Nurse Practitioner | 125000 | Patient Assessment, Diagnosis, Prescribing | Pharmacology, Electronic Health Records, Epic, Care Planning, ACLS
            Medical Assistant | 40000 | Vital Signs, Phlebotomy, Electronic Health Records | Medical Terminology, Infection Control, HIPAA, Epic, Patient Care
            Physical Therapist | 98000 | Rehabilitation, Manual Therapy, Patient Assessment | Care Planning, Electronic Health Records, Patient Care
            Pharmacist | 130000 | Pharmacology, Medication Management, Patient Counseling | Prescribing, Electronic Health Records, HIPAA, Medical Terminology
            Certified Nursing Assistant | 37000 | Patient Care, Vital Signs, Infection Control | BLS, Medical Terminology, HIPAA, Wound Care
            Radiologic Technologist | 68000 | Radiography, Patient Positioning, Radiation Safety | Patient Care, BLS, HIPAA, Medical Terminology
        """),
        _list("Patient Care, BLS, ACLS, Medication Administration, Vital Signs, Phlebotomy, IV Therapy, "
              "Wound Care, Electronic Health Records, Epic, Infection Control, Patient Assessment, Diagnosis, "
              "Prescribing, Care Planning, Rehabilitation, Manual Therapy, Pharmacology, Medication Management, "
              "Patient Counseling, Radiography, Patient Positioning, Radiation Safety, HIPAA, Triage, "
              "Medical Terminology"),
        ("Provide safe, compassionate {Patient Care|Rehabilitation|Wound Care|Manual Therapy} to patients",
         "Assess patients and document findings in {Electronic Health Records|Epic}",
         "Administer treatments and monitor responses",
         "Work with physicians and the wider care team on care plans",
         "Educate patients and families about their condition and care",
         "Follow {Infection Control|Radiation Safety|HIPAA|Medication Management} procedures at all times",
         "Respond calmly to emergencies"),
        "care team", "cares for patients in our community", "Nursing or a related health field",
        (("Associate Degree", 0.3), ("Bachelor's Degree", 0.45), ("Vocational Certificate", 0.15),
         ("Master's Degree", 0.1)), 0.0, ladder="clinical",
        company_patterns=("{last} Medical Center", "{city} General Hospital", "{last} Family Clinic",
                          "{last} Health", "{city} Care Home", "{last} Rehabilitation Center"),
        part_time=0.15,
    ),
    Category(
        "Education & Teaching",
        _roles("""
            Elementary School Teacher | 58000 | Lesson Planning, Classroom Management, Child Development | Student Assessment, Differentiated Instruction, Parent Communication, Google Classroom, Teaching Certification
            High School Math Teacher | 64000 | Lesson Planning, Mathematics, Classroom Management | Student Assessment, Curriculum Development, Google Classroom, Teaching Certification
            Special Education Teacher | 62000 | Individualized Education Programs, Classroom Management, Differentiated Instruction | Lesson Planning, Parent Communication, Special Education, Student Assessment, Teaching Certification
            Teaching Assistant | 32000 | Classroom Support, Child Development, Tutoring | Classroom Management, Parent Communication, Special Education
            Instructional Designer | 78000 | Instructional Design, E-Learning, Curriculum Development | Moodle, Student Assessment, Lesson Planning
            English Language Teacher | 50000 | ESL, Lesson Planning, Student Assessment | Classroom Management, Differentiated Instruction, Curriculum Development, Moodle
            Tutor | 40000 | Tutoring, Student Assessment, Mathematics | Lesson Planning, ESL, Google Classroom
        """),
        _list("Lesson Planning, Classroom Management, Curriculum Development, Student Assessment, "
              "Differentiated Instruction, Child Development, Individualized Education Programs, "
              "Classroom Support, Tutoring, Mathematics, ESL, Instructional Design, E-Learning, "
              "Google Classroom, Moodle, Parent Communication, Special Education, Teaching Certification"),
        ("Plan and deliver engaging lessons using {Lesson Planning|Differentiated Instruction|Instructional Design|Google Classroom}",
         "Assess student progress and adapt teaching to each learner",
         "Create a safe, inclusive classroom through {Classroom Management|Differentiated Instruction|Individualized Education Programs}",
         "Communicate regularly with parents and guardians",
         "Work with colleagues on curriculum and school events",
         "Prepare students for assessments and track results",
         "Use {Google Classroom|Moodle|E-Learning|Tutoring} to support learning beyond the classroom"),
        "teaching staff", "helps students learn and grow", "Education or the subject taught",
        (("Bachelor's Degree", 0.7), ("Master's Degree", 0.25), ("Associate Degree", 0.05)), 0.08,
        ladder="clinical",
        company_patterns=("{city} Public Schools", "{last} Elementary School", "{last} Academy",
                          "{city} Learning Center", "{last} High School"),
        part_time=0.15,
    ),
    Category(
        "Legal",
        _roles("""
            Paralegal | 60000 | Legal Research, Document Review, Case Management | Legal Writing, E-Discovery, Westlaw, LexisNexis, Legal Documentation
            Corporate Lawyer | 160000 | Contract Law, Corporate Law, Negotiation | Contract Drafting, Legal Research, Regulatory Compliance, Intellectual Property, GDPR
            Legal Assistant | 48000 | Legal Documentation, Case Management, Scheduling | Document Review, Legal Research, E-Discovery
            Compliance Officer | 95000 | Regulatory Compliance, Risk Assessment, Auditing | GDPR, Legal Research, Regulatory Compliance
            Contract Manager | 98000 | Contract Negotiation, Contract Drafting, Contract Law | Negotiation, Legal Documentation, Risk Assessment
            Litigation Associate | 150000 | Litigation, Legal Research, Legal Writing | E-Discovery, Westlaw, LexisNexis, Document Review, Negotiation
        """),
        _list("Legal Research, Legal Writing, Document Review, Case Management, Contract Law, Corporate Law, "
              "Litigation, Contract Drafting, Contract Negotiation, Negotiation, Regulatory Compliance, "
              "Risk Assessment, Auditing, Legal Documentation, Westlaw, LexisNexis, GDPR, E-Discovery, "
              "Scheduling, Intellectual Property"),
        ("Research case law and statutes using {Westlaw|LexisNexis|Legal Research}",
         "Draft and review contracts, memos and filings",
         "Manage case files and deadlines with {Case Management|Scheduling|E-Discovery}",
         "Advise the business on {Contract Law|Corporate Law|Regulatory Compliance|GDPR|Intellectual Property} questions",
         "Prepare documents for court and client meetings",
         "Monitor regulatory changes and update policies",
         "Coordinate with outside counsel"),
        "legal team", "keeps the business on the right side of the law", "Law or a related field",
        (("Bachelor's Degree", 0.5), ("Doctorate", 0.3), ("Associate Degree", 0.2)), 0.15,
        company_patterns=("{last} & {last2} LLP", "{last} Law Group", "{last} {last2} Legal"),
    ),
    Category(
        "Operations & Logistics",
        _roles("""
            Operations Manager | 95000 | Operations Management, Process Improvement, Budgeting | Lean, Six Sigma, Team Supervision, ERP, Vendor Management
            Logistics Coordinator | 52000 | Logistics, Shipping, Inventory Management | Route Planning, ERP, SAP, Vendor Management, Excel
            Supply Chain Analyst | 75000 | Supply Chain Management, Excel, Demand Planning | Inventory Management, SAP, ERP, Procurement, Logistics
            Warehouse Associate | 36000 | Forklift Operation, Picking and Packing, Inventory Management | Shipping, Safety Compliance, Warehouse Management
            Procurement Specialist | 70000 | Procurement, Vendor Management, Negotiation | SAP, ERP, Supply Chain Management, Excel
            Truck Driver | 58000 | Commercial Driving, CDL, DOT Regulations | Route Planning, Safety Compliance, Shipping
            Warehouse Supervisor | 60000 | Warehouse Management, Team Supervision, Safety Compliance | Inventory Management, Forklift Operation, Lean, Shipping
        """),
        _list("Operations Management, Process Improvement, Lean, Six Sigma, Logistics, Shipping, "
              "Inventory Management, Supply Chain Management, Demand Planning, Excel, SAP, ERP, "
              "Forklift Operation, Picking and Packing, Procurement, Vendor Management, Negotiation, "
              "Commercial Driving, CDL, DOT Regulations, Warehouse Management, Team Supervision, "
              "Safety Compliance, Budgeting, Route Planning"),
        ("Plan and coordinate shipments using {Logistics|Shipping|Route Planning|SAP|ERP}",
         "Keep stock levels accurate with {Inventory Management|Warehouse Management|Demand Planning|SAP|ERP}",
         "Find and remove waste in daily operations",
         "Work with suppliers and carriers to meet delivery dates",
         "Follow {DOT Regulations|Safety Compliance} rules on every shift",
         "Track key metrics and report them weekly",
         "Train and support new team members"),
        "operations team", "gets the right goods to the right place on time",
        "Supply Chain Management, Business or a related field",
        (("High School", 0.4), ("Bachelor's Degree", 0.45), ("Associate Degree", 0.15)), 0.05,
        ladder="service", part_time=0.1,
    ),
    Category(
        "Manufacturing & Engineering",
        _roles("""
            Mechanical Engineer | 98000 | CAD, SolidWorks, Mechanical Design | GD&T, FMEA, MATLAB, AutoCAD, Root Cause Analysis
            Electrical Engineer | 105000 | Circuit Design, PLC Programming, AutoCAD | MATLAB, Troubleshooting, CAD, Root Cause Analysis
            Manufacturing Engineer | 92000 | Lean Manufacturing, Process Engineering, Six Sigma | FMEA, Root Cause Analysis, CAD, Production Planning
            Quality Engineer | 88000 | Quality Assurance, Root Cause Analysis, ISO 9001 | FMEA, Six Sigma, GD&T, Precision Measurement
            CNC Machinist | 52000 | CNC Machining, Blueprint Reading, Precision Measurement | GD&T, CAD, Preventive Maintenance
            Production Supervisor | 68000 | Production Planning, Team Supervision, Lean Manufacturing | Six Sigma, Root Cause Analysis, Preventive Maintenance, Quality Assurance
            Maintenance Technician | 55000 | Preventive Maintenance, Hydraulics, Troubleshooting | Pneumatics, PLC Programming, Welding, Blueprint Reading
        """),
        _list("CAD, SolidWorks, AutoCAD, Mechanical Design, Circuit Design, PLC Programming, "
              "Lean Manufacturing, Six Sigma, Process Engineering, Quality Assurance, Root Cause Analysis, "
              "ISO 9001, CNC Machining, Blueprint Reading, Precision Measurement, Production Planning, "
              "Team Supervision, Preventive Maintenance, Hydraulics, Pneumatics, Troubleshooting, GD&T, "
              "FMEA, MATLAB, Welding"),
        ("Design and improve parts and assemblies in {CAD|SolidWorks|AutoCAD}",
         "Improve production processes using {Lean Manufacturing|Six Sigma|Process Engineering|FMEA}",
         "Investigate defects with {Root Cause Analysis|FMEA|Precision Measurement|GD&T} and put fixes in place",
         "Write work instructions and train operators",
         "Keep equipment running through {Preventive Maintenance|Troubleshooting|Hydraulics|Pneumatics|PLC Programming}",
         "Follow safety procedures and quality standards on the shop floor",
         "Work with suppliers on materials and tolerances"),
        "production team", "designs and makes physical products", "Mechanical or Electrical Engineering",
        (("Bachelor's Degree", 0.55), ("Vocational Certificate", 0.25), ("Associate Degree", 0.15),
         ("Master's Degree", 0.05)), 0.03,
        company_patterns=("{last} Manufacturing", "{last} Industries", "{last} Precision Parts",
                          "{city} Machine Works", "{last} Engineering"),
    ),
    Category(
        "Construction & Trades",
        _roles("""
            Electrician | 62000 | Electrical Wiring, National Electrical Code, Blueprint Reading | OSHA Safety, Power Tools, Estimating, Troubleshooting
            Plumber | 60000 | Pipefitting, Plumbing Codes, Blueprint Reading | OSHA Safety, Power Tools, Estimating
            Carpenter | 54000 | Carpentry, Framing, Power Tools | Blueprint Reading, Drywall, Concrete, OSHA Safety
            Construction Project Manager | 105000 | Construction Management, Scheduling, Budgeting | Procore, Estimating, OSHA Safety, Site Supervision, Blueprint Reading
            HVAC Technician | 56000 | HVAC Systems, Refrigeration, EPA 608 Certification | Electrical Wiring, Blueprint Reading, OSHA Safety, Troubleshooting
            Site Supervisor | 78000 | Site Supervision, OSHA Safety, Scheduling | Blueprint Reading, Procore, Concrete, Budgeting
            Welder | 50000 | Welding, MIG Welding, Blueprint Reading | TIG Welding, OSHA Safety, Power Tools
        """),
        _list("Electrical Wiring, National Electrical Code, Blueprint Reading, Pipefitting, Plumbing Codes, "
              "Carpentry, Framing, Power Tools, Construction Management, Scheduling, Budgeting, HVAC Systems, "
              "Refrigeration, EPA 608 Certification, Site Supervision, OSHA Safety, Welding, MIG Welding, "
              "TIG Welding, Estimating, Concrete, Drywall, Procore"),
        ("Install and repair systems according to {National Electrical Code|Plumbing Codes|EPA 608 Certification}",
         "Read plans and specifications using {Blueprint Reading|Estimating|Procore}",
         "Work safely and follow {OSHA Safety} rules on every site",
         "Estimate materials and time for each job",
         "Coordinate with other trades and the site supervisor",
         "Inspect finished work and fix any defects",
         "Keep tools and equipment in good condition"),
        "site crew", "builds and maintains homes and commercial buildings", "Construction Management or a trade programme",
        TRADE, 0.0, ladder="trade",
        company_patterns=("{last} Construction", "{last} Builders", "{city} Building Services", "{last} Facilities",
                          "{last} Contracting"),
    ),
    Category(
        "Hospitality & Food",
        _roles("""
            Line Cook | 36000 | Food Preparation, Food Safety, Knife Skills | Kitchen Management, ServSafe, Menu Planning, Inventory Control
            Head Chef! | 65000 | Menu Planning, Kitchen Management, Food Safety | Food Preparation, Inventory Control, ServSafe, Staff Scheduling, Budgeting
            Restaurant Manager | 58000 | Restaurant Management, Staff Scheduling, Customer Service | Food Safety, Inventory Control, Budgeting, POS Systems, ServSafe
            Server | 30000 | Customer Service, POS Systems, Food Safety | Upselling, Cash Handling, Guest Services
            Barista | 29000 | Espresso Preparation, Customer Service, Cash Handling | POS Systems, Food Safety, Upselling
            Hotel Front Desk Agent | 34000 | Guest Services, Reservation Systems, Customer Service | Cash Handling, POS Systems, Upselling
            Housekeeper | 30000 | Housekeeping, Cleaning Procedures, Attention to Detail | Guest Services, Inventory Control
            Event Coordinator | 52000 | Event Planning, Vendor Management, Budgeting | Guest Services, Customer Service, Menu Planning
        """),
        _list("Food Preparation, Food Safety, Knife Skills, Menu Planning, Kitchen Management, "
              "Restaurant Management, Staff Scheduling, Customer Service, POS Systems, Espresso Preparation, "
              "Cash Handling, Guest Services, Reservation Systems, Housekeeping, Cleaning Procedures, "
              "Event Planning, Vendor Management, Budgeting, ServSafe, Inventory Control, Upselling"),
        ("Deliver warm, attentive {Customer Service|Guest Services} to every guest",
         "Prepare food and drinks to our standards using {Food Preparation|Knife Skills|Espresso Preparation}",
         "Follow {Food Safety|ServSafe|Cleaning Procedures} rules and keep work areas spotless",
         "Handle payments and bookings accurately",
         "Work as one team with the kitchen and front-of-house staff",
         "Help with stock counts and deliveries",
         "Resolve guest complaints quickly and politely"),
        "hospitality team", "gives guests a great experience", "Hospitality Management or a related field",
        SERVICE, 0.0, ladder="service",
        company_patterns=("The {last} Kitchen", "{city} Grand Hotel", "{last}'s Bistro", "{last} Coffee House",
                          "{last} Hotels & Resorts"),
        part_time=0.35,
    ),
    Category(
        "Retail",
        _roles("""
            Retail Sales Associate | 32000 | Customer Service, Cash Handling, Merchandising | POS Systems, Upselling, Product Knowledge, Visual Merchandising
            Cashier! | 28000 | Cash Handling, POS Systems, Customer Service | Upselling, Product Knowledge, Loss Prevention
            Store Manager! | 62000 | Retail Management, Staff Scheduling, Sales Targets | Inventory Control, Loss Prevention, Merchandising, Team Supervision
            Assistant Store Manager! | 46000 | Retail Management, Inventory Control, Team Supervision | Staff Scheduling, Cash Handling, Loss Prevention, Sales Targets
            Visual Merchandiser | 42000 | Visual Merchandising, Merchandising, Product Display | Product Knowledge, Inventory Control
            Stock Associate | 31000 | Inventory Control, Stocking, Receiving | Loss Prevention, Merchandising, Product Knowledge
        """),
        _list("Customer Service, Cash Handling, POS Systems, Merchandising, Visual Merchandising, Product Display, "
              "Retail Management, Staff Scheduling, Sales Targets, Inventory Control, Stocking, Receiving, "
              "Team Supervision, Loss Prevention, Upselling, Product Knowledge"),
        ("Welcome customers and help them find what they need with {Customer Service|Product Knowledge|Upselling}",
         "Handle sales and returns accurately using {POS Systems|Cash Handling}",
         "Keep shelves stocked and displays attractive",
         "Meet daily and weekly sales goals",
         "Support {Inventory Control|Receiving|Stocking|Loss Prevention} and stock counts",
         "Open and close the store following procedures",
         "Share product knowledge to help customers choose"),
        "store team", "serves shoppers in our stores", "Business or Retail Management",
        SERVICE, 0.0, ladder="service",
        company_patterns=("{last} Outfitters", "{city} Market", "{last} Home Goods", "{last} & Co. Stores",
                          "{last} Pharmacy"),
        part_time=0.4,
    ),
    Category(
        "Administration",
        _roles("""
            Administrative Assistant | 44000 | Microsoft Office, Scheduling, Data Entry | Excel, Word, Outlook, Record Keeping, Phone Etiquette, Google Workspace
            Executive Assistant | 68000 | Calendar Management, Travel Arrangements, Microsoft Office | Scheduling, Minute Taking, Outlook, Google Workspace, Record Keeping
            Office Manager | 60000 | Office Management, Vendor Management, Budgeting | Microsoft Office, Scheduling, Record Keeping, Google Workspace
            Receptionist | 35000 | Front Desk, Phone Etiquette, Scheduling | Microsoft Office, Data Entry, Outlook, Record Keeping
            Data Entry Clerk | 36000 | Data Entry, Typing, Excel | Record Keeping, Microsoft Office, Google Workspace
            Project Coordinator | 58000 | Project Coordination, Scheduling, Microsoft Project | Microsoft Office, Minute Taking, Budgeting, Excel
        """),
        _list("Microsoft Office, Excel, Word, Outlook, Scheduling, Calendar Management, Data Entry, Typing, "
              "Travel Arrangements, Office Management, Vendor Management, Budgeting, Front Desk, "
              "Phone Etiquette, Record Keeping, Project Coordination, Microsoft Project, Minute Taking, "
              "Google Workspace"),
        ("Manage calendars and schedule meetings with {Outlook|Calendar Management|Google Workspace|Scheduling}",
         "Prepare documents, reports and presentations in {Word|Excel|Microsoft Office|Google Workspace}",
         "Greet visitors and answer calls",
         "Keep files and records organised and up to date",
         "Order supplies and manage vendor relationships",
         "Arrange travel and process expense reports",
         "Support the team with {Data Entry|Minute Taking|Record Keeping|Travel Arrangements} whenever needed"),
        "office team", "keeps the office running smoothly", "Business Administration or a related field",
        SERVICE, 0.15, ladder="service", part_time=0.2,
    ),
    Category(
        "Science & Research",
        _roles("""
            Research Scientist | 110000 | Experimental Design, Data Analysis, Scientific Writing | Statistics, R, Python, Good Laboratory Practice, Microscopy
            Laboratory Technician | 48000 | Laboratory Techniques, Sample Preparation, Lab Safety | Good Laboratory Practice, PCR, Microscopy, Data Collection
            Biologist | 78000 | Molecular Biology, PCR, Cell Culture | Microscopy, Data Analysis, Laboratory Techniques, Good Laboratory Practice, Statistics
            Chemist | 80000 | Analytical Chemistry, HPLC, Spectroscopy | Mass Spectrometry, Lab Safety, Good Laboratory Practice, Data Analysis
            Clinical Research Coordinator | 62000 | Clinical Trials, Good Clinical Practice, Data Collection | Data Analysis, Scientific Writing, Regulatory Compliance
            Environmental Scientist | 76000 | Environmental Sampling, GIS, Regulatory Compliance | Data Analysis, Statistics, Scientific Writing, R
        """),
        _list("Experimental Design, Data Analysis, Scientific Writing, Laboratory Techniques, Sample Preparation, "
              "Lab Safety, Molecular Biology, PCR, Cell Culture, Analytical Chemistry, HPLC, Spectroscopy, "
              "Mass Spectrometry, Clinical Trials, Good Clinical Practice, Data Collection, "
              "Environmental Sampling, GIS, Regulatory Compliance, R, Python, Statistics, Microscopy, "
              "Good Laboratory Practice"),
        ("Design and run experiments using {PCR|Cell Culture|HPLC|Spectroscopy|Mass Spectrometry|Microscopy|Laboratory Techniques}",
         "Analyse results and present them at group meetings",
         "Keep accurate lab notebooks and follow {Good Laboratory Practice|Good Clinical Practice|Lab Safety}",
         "Prepare samples and maintain instruments",
         "Write reports, papers and grant sections",
         "Collaborate with scientists across disciplines",
         "Apply {Statistics|R|Python|GIS|Data Analysis|Experimental Design} to new research questions"),
        "research team", "advances knowledge through careful experiments", "Biology, Chemistry or a related science",
        PRO_HEAVY, 0.05,
        company_patterns=("{last} Laboratories", "{last} Biosciences", "{city} Research Institute",
                          "{last} Therapeutics", "{last} Environmental"),
    ),
    Category(
        "Media & Writing",
        _roles("""
            Content Writer | 55000 | Copywriting, SEO Writing, Editing | Content Strategy, WordPress, Research, Proofreading, Social Media Marketing
            Editor | 68000 | Editing, Proofreading, AP Style | Copywriting, WordPress, Research, Content Strategy
            Technical Writer | 82000 | Technical Writing, Documentation, Markdown | Editing, Research, Proofreading
            Journalist | 55000 | Reporting, Interviewing, News Writing | Research, AP Style, Editing, Photography
            Video Editor | 58000 | Adobe Premiere Pro, Video Editing, Storytelling | Final Cut Pro, Photography, Social Media Marketing
            Communications Specialist | 65000 | Public Relations, Press Releases, Copywriting | Social Media Marketing, Content Strategy, Editing, WordPress
        """),
        _list("Copywriting, SEO Writing, Editing, Proofreading, AP Style, Technical Writing, Documentation, "
              "Markdown, Reporting, Interviewing, News Writing, Adobe Premiere Pro, Final Cut Pro, Video Editing, "
              "Storytelling, Public Relations, Press Releases, WordPress, Content Strategy, Research, "
              "Social Media Marketing, Photography"),
        ("Write clear, accurate copy for our audiences using {AP Style|Copywriting|Storytelling|Technical Writing|News Writing}",
         "Edit and proofread other writers' work",
         "Research topics and interview experts",
         "Produce content that ranks well through {SEO Writing|Content Strategy}",
         "Meet tight deadlines without losing quality",
         "Publish and update content in {WordPress|Markdown|Adobe Premiere Pro|Final Cut Pro}",
         "Pitch new story ideas to the team"),
        "editorial team", "tells stories people want to read and watch", "Journalism, English, Communications or a related field",
        PRO, 0.45, part_time=0.15,
    ),
)

CATEGORY_NAMES = tuple(c.name for c in CATEGORIES)
CATEGORY_BY_NAME = {c.name: c for c in CATEGORIES}

# Other spellings of skills (lower case) -> canonical name. Canonical names also match themselves.
SKILL_ALIASES = {
    "js": "JavaScript", "javascript": "JavaScript", "ecmascript": "JavaScript",
    "nodejs": "Node.js", "node js": "Node.js", "reactjs": "React", "react.js": "React",
    "vue": "Vue.js", "vuejs": "Vue.js", "angularjs": "Angular", "golang": "Go", "c sharp": "C#",
    "cpp": "C++", "dotnet": ".NET", "asp.net": ".NET", "postgres": "PostgreSQL", "postgresql": "PostgreSQL",
    "mssql": "SQL Server", "ms sql server": "SQL Server", "microsoft sql server": "SQL Server",
    "mongo": "MongoDB", "k8s": "Kubernetes", "amazon web services": "AWS", "microsoft azure": "Azure",
    "google cloud": "GCP", "google cloud platform": "GCP", "spark": "Apache Spark", "pyspark": "Apache Spark",
    "kafka": "Apache Kafka", "airflow": "Apache Airflow", "sklearn": "scikit-learn", "scikit learn": "scikit-learn",
    "tensorflow": "TensorFlow", "pytorch": "PyTorch", "deep learning": "Deep Learning",
    "natural language processing": "NLP", "ci cd": "CI/CD", "continuous integration": "CI/CD",
    "restful apis": "REST APIs", "rest api": "REST APIs", "restful api": "REST APIs",
    "unit tests": "Unit Testing", "github actions": "GitHub Actions", "gitlab": "GitLab CI",
    "powerbi": "Power BI", "ms excel": "Excel", "microsoft excel": "Excel", "ms office": "Microsoft Office",
    "ms word": "Word", "microsoft word": "Word", "office 365": "Microsoft 365", "o365": "Microsoft 365",
    "basic life support": "BLS", "advanced cardiac life support": "ACLS", "ehr": "Electronic Health Records",
    "emr": "Electronic Health Records", "electronic medical records": "Electronic Health Records",
    "cdl": "CDL", "forklift": "Forklift Operation",
    "autocad": "AutoCAD", "solidworks": "SolidWorks", "plc": "PLC Programming", "nec": "National Electrical Code",
    "osha": "OSHA Safety", "hvac": "HVAC Systems", "servsafe": "ServSafe",
    "point of sale": "POS Systems", "seo": "SEO", "search engine optimization": "SEO", "sem": "SEM",
    "adwords": "Google Ads", "google adwords": "Google Ads", "crm": "CRM", "salesforce.com": "Salesforce",
    "photoshop": "Adobe Photoshop", "illustrator": "Adobe Illustrator", "indesign": "Adobe InDesign",
    "premiere pro": "Adobe Premiere Pro", "premiere": "Adobe Premiere Pro", "ux research": "User Research",
    "a/b tests": "A/B Testing", "ab testing": "A/B Testing", "split testing": "A/B Testing",
    "gaap": "GAAP", "ifrs": "IFRS", "quickbooks": "QuickBooks", "accounts payable": "Accounts Payable",
    "ats": "Applicant Tracking Systems", "hris": "HRIS", "esl": "ESL", "iep": "Individualized Education Programs",
    "ieps": "Individualized Education Programs", "gdpr": "GDPR", "hipaa": "HIPAA",
    "itil": "ITIL", "siem": "SIEM", "iam": "Identity and Access Management", "iso 27001": "ISO 27001",
    "iso 9001": "ISO 9001", "six sigma": "Six Sigma", "erp": "ERP", "sap": "SAP",
    "gis": "GIS", "arcgis": "GIS", "hplc": "HPLC", "pcr": "PCR",
    "glp": "Good Laboratory Practice",
    "statistical analysis": "Statistics", "data visualisation": "Data Visualization", "dataviz": "Data Visualization",
    "etl": "ETL", "elt": "ETL", "data warehouse": "Data Warehousing", "nosql": "NoSQL", "bash scripting": "Bash",
    "shell scripting": "Bash", "iac": "Infrastructure as Code", "jira": "Jira", "confluence": "Confluence",
    "wordpress": "WordPress", "markdown": "Markdown", "customer support": "Customer Service",
    "problem-solving": "Problem Solving", "team work": "Teamwork", "team player": "Teamwork",
    "communication skills": "Communication", "time-management": "Time Management",
    "detail oriented": "Attention to Detail", "detail-oriented": "Attention to Detail",
    "microsoft powerpoint": "PowerPoint", "ms powerpoint": "PowerPoint",
    "html5": "HTML", "css3": "CSS", "t-sql": "SQL", "pl/sql": "SQL",
    # other ways postings name the same skill (the generator writes some of them; real postings use them too)
    "people management": "Team Supervision", "supervising a team": "Team Supervision",
    "staff supervision": "Team Supervision", "leading a team": "Leadership", "team leadership": "Leadership",
    "managing stakeholders": "Stakeholder Management", "financial modelling": "Financial Modeling",
    "data modelling": "Data Modeling", "fault finding": "Troubleshooting",
    "preventative maintenance": "Preventive Maintenance", "reading blueprints": "Blueprint Reading",
    "administering medication": "Medication Administration", "drawing blood": "Phlebotomy",
    "infection prevention": "Infection Control", "caring for patients": "Patient Care",
    "budget management": "Budgeting", "shift scheduling": "Staff Scheduling", "diary management": "Calendar Management",
    "booking travel": "Travel Arrangements", "taking minutes": "Minute Taking", "recordkeeping": "Record Keeping",
    "event management": "Event Planning", "supplier management": "Vendor Management",
    "continuous improvement": "Process Improvement", "demand forecasting": "Demand Planning",
    "guest relations": "Guest Services", "recruitment": "Recruiting", "candidate sourcing": "Sourcing",
    "stock control": "Inventory Control", "stock management": "Inventory Management",
    "planning lessons": "Lesson Planning", "behaviour management": "Classroom Management",
    "food prep": "Food Preparation", "handling cash": "Cash Handling", "roadmap planning": "Product Roadmapping",
    "backlog refinement": "Backlog Management", "usability studies": "Usability Testing",
    "amazon redshift": "Redshift", "google bigquery": "BigQuery", "ms sql": "SQL Server",
    "vitals": "Vital Signs", "ms project": "Microsoft Project", "g suite": "Google Workspace",
    "cloudformation": "AWS CloudFormation",
}

# Tools and methods that do the same job: one posting asks for PostgreSQL, the next for MySQL. A posting's
# role skill may be swapped for one of its group (each skill is in at most one group).
ALTERNATIVES: tuple[tuple[str, ...], ...] = (
    ("PostgreSQL", "MySQL", "SQL Server", "Oracle Database"),
    ("Tableau", "Power BI", "Looker", "Qlik"),
    ("AWS", "Azure", "GCP"),
    ("Jenkins", "GitHub Actions", "GitLab CI", "CircleCI"),
    ("React", "Angular", "Vue.js"),
    ("Django", "Flask", "FastAPI"),
    ("Java", "Kotlin"),
    ("PyTorch", "TensorFlow"),
    ("Snowflake", "BigQuery", "Redshift"),
    ("Terraform", "Pulumi", "AWS CloudFormation"),
    ("Prometheus", "Datadog"),
    ("Splunk", "Microsoft Sentinel", "QRadar"),
    ("Burp Suite", "OWASP ZAP"),
    ("Zendesk", "Freshdesk", "Intercom"),
    ("Salesforce", "HubSpot"),
    ("Google Analytics", "Adobe Analytics"),
    ("Figma", "Sketch", "Adobe XD"),
    ("QuickBooks", "Xero", "NetSuite"),
    ("SAP", "Oracle Financials", "Microsoft Dynamics"),
    ("ADP", "Paychex", "Gusto"),
    ("Workday", "BambooHR"),
    ("Applicant Tracking Systems", "Greenhouse", "Lever"),
    ("Epic", "Cerner"),
    ("Westlaw", "LexisNexis"),
    ("SolidWorks", "AutoCAD", "CATIA"),
    ("Adobe Premiere Pro", "Final Cut Pro", "DaVinci Resolve"),
    ("Moodle", "Google Classroom", "Canvas LMS"),
    ("Microsoft Office", "Google Workspace"),
    ("Excel", "Google Sheets"),
    ("Jira", "Asana"),
    ("Scrum", "Kanban"),
    ("MIG Welding", "TIG Welding"),
    ("Amplitude", "Mixpanel"),
    ("WordPress", "Drupal"),
    ("Microsoft Project", "Smartsheet"),
    ("Confluence", "Notion"),
)
_ALTERNATIVE_OF = {skill: group for group in ALTERNATIVES for skill in group}


def alternatives(skill: str) -> tuple[str, ...]:
    """The skills that can stand in for ``skill`` in a posting ("PostgreSQL" -> MySQL, SQL Server, ...)."""
    return tuple(s for s in _ALTERNATIVE_OF.get(skill, ()) if s != skill)


# Skills that exist beyond the category pools (so imports recognise them), not used by the generator.
EXTRA_SKILLS = _list(
    "PowerPoint, Ruby, Ruby on Rails, PHP, Laravel, Perl, MATLAB, SAS, SPSS, Stata, Hadoop, Elasticsearch, "
    "Cassandra, DynamoDB, Selenium, Cypress, Jest, Terraform, OpenShift, Unity, Unreal Engine, Blockchain, "
    "Solidity, Computer Vision, LLMs, Generative AI, Hugging Face, Keras, XGBoost, Scala, Kotlin, Swift, "
    "Objective C, Flutter, React Native, jQuery, Bootstrap, Tailwind CSS, Webpack, Sass, Redux, Next.js, "
    "Microsoft Dynamics, NetSuite, Xero, Tableau, Qlik, Alteryx, SSIS, SSRS, Visio, Mainframe, COBOL, "
    "Fortran, Haskell, Elixir, Erlang, Clojure, Lua, VBA, Spanish, French, German, Mandarin, First Aid, CPR"
)


def all_skills() -> tuple[str, ...]:
    """Every canonical skill name known to the project, each once."""
    seen: dict[str, None] = {}
    for cat in CATEGORIES:
        seen.update(dict.fromkeys(cat.pool))
    seen.update(dict.fromkeys(SOFT_SKILLS))
    seen.update(dict.fromkeys(EXTRA_SKILLS))
    seen.update(dict.fromkeys(SKILL_ALIASES.values()))
    return tuple(seen)
