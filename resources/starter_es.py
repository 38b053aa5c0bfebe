"""Spanish versions of the starter library (resources/starter.py): written for Kinship in
Spanish, from our own English texts, for Spanish-speaking people in recovery from ketamine
dependence and their loved ones in the United States.

Each entry translates one English resource (`translation_of` names its slug) and keeps its
kind, categories, tags, audience and contact details; the text is our own Spanish, in the
voice of locale/es/GLOSSARY.md (tú, no stigma), not a word-for-word rendering. The closing
not-medical-advice line is added by `StarterResource.body` (CLOSINGS["es"]).
"""

from __future__ import annotations

from resources.starter_specs import Kind, StarterResource

RESOURCES_ES: tuple[StarterResource, ...] = (
    StarterResource(
        slug="linea-988-de-prevencion-del-suicidio-y-crisis",
        title="Línea 988 de Prevención del Suicidio y Crisis",
        kind=Kind.HOTLINE,
        summary=(
            "Apoyo en español las 24 horas, los 7 días de la semana: llama al 988 y marca 2, o "
            "envía AYUDA al 988. Para ti o para alguien que conoces, si hay angustia emocional, "
            "pensamientos de suicidio o una crisis por consumo de drogas."
        ),
        categories=("crisis-and-helplines",),
        tags=("crisis", "helpline", "mental-health"),
        for_loved_ones=True,
        for_facilitators=True,
        phone="988",
        text_line="Envía AYUDA al 988",
        hours="Las 24 horas, los 7 días de la semana",
        featured_position=None,
        language="es",
        translation_of="988-suicide-and-crisis-lifeline",
        text="""
        ## Llama o escribe al 988

        La Línea 988 de Prevención del Suicidio y Crisis atiende las 24 horas, los 7 días de la
        semana, y tiene servicio en español. Desde un teléfono en Estados Unidos:

        - **Para hablar en español,** llama al 988 y marca 2.
        - **Para escribir en español por mensaje de texto,** envía la palabra AYUDA al 988.

        También puedes llamar o escribir al 988 en inglés.

        ## Cuándo comunicarte

        - Piensas en el suicidio o en hacerte daño.
        - Sientes que todo te sobrepasa, que no hay esperanza o que no estás a salvo.
        - Estás en una crisis relacionada con el consumo de drogas, incluida la ketamina.
        - Te preocupa otra persona y quieres ayuda para saber qué hacer.

        No necesitas tener la certeza de que sea "lo bastante grave". Si para ti es una crisis,
        eso ya es motivo suficiente para llamar o escribir.

        ## Qué pasa cuando te comunicas

        Te atiende una persona capacitada para acompañar en momentos de crisis. Te escucha y te
        ayuda a ver qué te daría más seguridad en este momento. También puede informarte sobre
        apoyo cerca de ti. Puedes contar tanto o tan poco como quieras.

        ## Tenlo a mano

        Guarda el 988 en tu teléfono ahora, mientras todo está en calma, para tenerlo cuando lo
        necesites.

        Si la vida de alguien corre peligro inmediato, llama al 911.
        """,
    ),
    StarterResource(
        slug="linea-nacional-de-ayuda-de-samhsa",
        title="Línea Nacional de Ayuda de SAMHSA",
        kind=Kind.HOTLINE,
        summary=(
            "Información y referencias a tratamiento, gratis y confidenciales, las 24 horas, los "
            "7 días de la semana, en inglés y en español: llama al 1-800-662-4357."
        ),
        categories=("crisis-and-helplines", "treatment-and-therapy"),
        tags=("helpline", "rehab", "family"),
        for_loved_ones=True,
        for_facilitators=True,
        phone="1-800-662-4357",
        hours="Las 24 horas, los 7 días de la semana",
        featured_position=None,
        language="es",
        translation_of="samhsa-national-helpline",
        text="""
        ## Llama al 1-800-662-4357

        La Línea Nacional de Ayuda es un servicio de SAMHSA (Substance Abuse and Mental Health
        Services Administration), la agencia del gobierno de Estados Unidos dedicada a la salud
        mental y al consumo de sustancias. Es gratis y confidencial, atiende las 24 horas, los 7
        días de la semana, y puedes hablar en inglés o en español.

        ## Para qué sirve

        La línea da información y referencias a personas que enfrentan problemas con las drogas,
        el alcohol o la salud mental, y también a sus familias. Puedes preguntar por:

        - programas de tratamiento cerca de ti, residenciales o ambulatorios;
        - grupos de apoyo y organizaciones de la comunidad;
        - qué opciones hay si no tienes seguro médico o tienes poco dinero;
        - cómo ayudar a un familiar.

        ## Qué esperar

        Te atiende una persona especializada en información. Te pregunta por tu situación y por
        el lugar donde vives, para sugerirte servicios cercanos. No necesitas tener todo
        resuelto antes de llamar: "No sé por dónde empezar" es una buena manera de comenzar.

        La línea es para información y referencias, no para atención en crisis. Si estás en
        crisis, llama al 988 (marca 2 para español) o envía AYUDA al 988. En una emergencia,
        llama al 911.
        """,
    ),
    StarterResource(
        slug="que-es-la-ketamina-tolerancia-y-dependencia",
        title="Qué es la ketamina y cómo se desarrollan la tolerancia y la dependencia",
        kind=Kind.ARTICLE,
        summary=(
            "Una introducción sencilla a la ketamina: por qué se consume, cómo se acostumbra el "
            "cuerpo a ella y cómo la tolerancia, las ganas intensas de consumir y la dependencia "
            "pueden ir creciendo con el tiempo."
        ),
        categories=("understanding-ketamine",),
        tags=("ketamine", "tolerance", "cravings"),
        for_loved_ones=True,
        featured_position=None,
        language="es",
        translation_of="ketamine-tolerance-and-dependence",
        text="""
        ## Qué es la ketamina

        La ketamina es un medicamento. Los hospitales, los equipos de ambulancia y los
        veterinarios la usan para anestesiar a personas y animales antes de una operación y para
        controlar el dolor intenso. Algunas clínicas también la administran, bajo supervisión
        estricta, a personas cuya depresión no ha mejorado con otros tratamientos.

        Fuera de esos lugares, por lo general se vende en polvo y se aspira por la nariz; a
        veces se traga o se inyecta. Quienes la consumen describen una sensación de flotar, de
        entumecimiento o de estar lejos de su propio cuerpo y de lo que les rodea. En cantidades
        mayores, puede costar mucho moverse, hablar o saber dónde estás.

        ## Por qué se empieza

        Casi nunca hay una sola razón. A algunas personas les gusta cómo se siente en una noche
        de fiesta. Otras la usan para desconectarse del estrés, del duelo, del dolor o de
        recuerdos que pesan demasiado. Otras descubren, al principio, que les ayuda a dormir.
        Nada de esto convierte a nadie en mala persona. Son razones humanas.

        ## Cómo se forma la tolerancia

        El cerebro se adapta a todo lo que encuentra con frecuencia. Con el consumo regular, la
        misma cantidad de ketamina empieza a hacer menos efecto. Eso es la **tolerancia**.
        Muchas personas responden tomando más, o tomándola más seguido, y con la ketamina la
        tolerancia puede subir rápido.

        ## De la tolerancia a la dependencia

        Con las semanas y los meses, consumir puede pasar de ser algo que eliges a algo que
        sientes que necesitas. Algunas señales de ese cambio:

        - **ganas intensas de consumir** (en inglés, *cravings*): impulsos fuertes que vuelven
          una y otra vez, muchas veces a las mismas horas o en los mismos lugares;
        - sentir el ánimo bajo, ansiedad o inquietud, o no poder dormir, los días sin ketamina;
        - consumir más de lo que pensabas, o en días en que querías no hacerlo;
        - que te cueste parar incluso cuando está claro que te está haciendo daño.

        A esto nos referimos cuando hablamos de **dependencia**. No es falta de fuerza de
        voluntad. Es un patrón que tu cerebro y tu vida diaria han aprendido juntos, y los
        patrones se pueden desaprender con tiempo y apoyo.

        ## Qué ayuda

        Darte cuenta del patrón ya es un primer paso real. Hablar con alguien de confianza, con
        un médico o con un grupo de apoyo puede hacer que los siguientes pasos se sientan menos
        solitarios. Otros artículos de esta biblioteca tratan las señales a las que conviene
        prestar atención, los efectos en la salud y los tipos de ayuda que existen.
        """,
    ),
    StarterResource(
        slug="senales-de-dependencia-en-la-conducta",
        title="Señales de dependencia de la ketamina en la conducta",
        kind=Kind.ARTICLE,
        summary=(
            "Los cambios en lo que alguien hace, y en cómo usa su tiempo, suelen ser lo primero "
            "que se nota. Una guía para ti, o para quien sienta preocupación por otra persona."
        ),
        categories=("understanding-ketamine", "family-and-friends"),
        tags=("ketamine", "family"),
        for_loved_ones=True,
        featured_position=None,
        language="es",
        translation_of="behavioural-signs-of-dependence",
        text="""
        La dependencia suele notarse en la conducta antes que en la salud. Vale la pena prestar
        atención a estas señales, en ti o en alguien cercano. Una sola no demuestra mucho; un
        conjunto de señales que sigue creciendo merece una conversación.

        ## El tiempo y las prioridades

        - Cada vez más horas de la semana se van en conseguir ketamina, consumirla y
          recuperarse.
        - El trabajo, los estudios, las cuentas o el cuidado de otras personas empiezan a quedar
          de lado.
        - Se cancelan planes a última hora, o la persona llega tarde y con la mente nublada.
        - Se dejan los pasatiempos, el deporte o las amistades que antes importaban.

        ## Secretos y dinero

        - Respuestas vagas sobre dónde estuvo o con quién.
        - El dinero se acaba más rápido de lo normal, pide prestado o desaparecen cosas.
        - Un círculo aparte de amistades, casi todas personas que también consumen.

        ## Seguir consumiendo a pesar del costo

        - Sigue consumiendo después de problemas de salud, discusiones o problemas en el
          trabajo.
        - Promete consumir menos, lo dice en serio y no lo logra.
        - Se pone a la defensiva o se enoja cada vez que sale el tema del consumo.

        ## El estado de ánimo

        - Irritabilidad o tristeza los días sin ketamina.
        - Una actitud apagada y distante, como si fuera difícil llegar a la persona, incluso
          cuando no ha consumido.

        ## Si lo ves en ti

        Durante dos semanas, intenta anotar cuándo consumes y qué estaba pasando justo antes. En
        papel, los patrones suelen verse con más claridad. La hoja de trabajo para registrar las
        ganas de consumir (en inglés, "Worksheet: cravings log") puede ayudarte con esto.

        ## Si lo ves en otra persona

        Elige un momento tranquilo. Habla de lo que has notado en lugar de ponerle etiquetas, y
        pregúntale cómo está. La sección para familia y amistades tiene ideas para esa
        conversación.
        """,
    ),
    StarterResource(
        slug="senales-fisicas-y-abstinencia",
        title="Señales físicas de la dependencia de la ketamina y la abstinencia",
        kind=Kind.ARTICLE,
        summary=(
            "Lo que el consumo regular de ketamina puede hacerle al cuerpo, cómo puede sentirse "
            "dejarla y qué síntomas indican que es momento de ver a un médico."
        ),
        categories=("understanding-ketamine", "health-effects"),
        tags=("ketamine", "withdrawal", "sleep", "tolerance"),
        for_loved_ones=True,
        featured_position=None,
        language="es",
        translation_of="physical-signs-and-withdrawal",
        text="""
        El cuerpo lleva su propio registro del consumo regular de ketamina. Algunas señales
        aparecen durante el consumo, otras entre un consumo y otro, y otras solo después de
        meses.

        ## Durante el consumo o poco después

        - Hablar arrastrando las palabras, torpeza, pasos inestables, una mirada vidriosa o
          perdida.
        - Entumecimiento, que puede ocultar heridas y quemaduras hasta más tarde.
        - Náuseas o vómitos.
        - Irritación o escurrimiento de la nariz, o sangrado nasal, cuando se aspira.

        ## Entre un consumo y otro

        - Necesitar más para lograr el mismo efecto (tolerancia).
        - Sueño alterado: pasar la noche en vela o dormir a horas raras.
        - Cansancio, poco apetito, pérdida de peso.
        - Cólicos de estómago, que en inglés a veces llaman "K cramps".

        ## Al dejar la ketamina

        La abstinencia de la ketamina se siente sobre todo en el estado de ánimo y en la mente,
        más que en el cuerpo, pero aun así puede ser difícil. Las personas describen:

        - ganas intensas de consumir;
        - ánimo bajo, ansiedad e irritabilidad;
        - problemas para dormir y sueños muy vívidos;
        - cansancio, inquietud, sudores o el corazón acelerado.

        Por lo general, estas molestias se van aliviando en el transcurso de unos días a unas
        semanas. La compañía de personas que entienden lo que vives, comer a horas regulares y
        una rutina diaria sencilla pueden ayudar. Si también consumes alcohol u otras drogas, o
        tu ánimo está muy bajo, pídele a un médico apoyo para dejarla.

        ## Ve al médico pronto si notas

        - dolor o ardor al orinar, necesidad de ir muy seguido, o sangre en la orina;
        - dolor de estómago que vuelve una y otra vez;
        - color amarillento en la piel o en lo blanco de los ojos;
        - problemas de memoria que te preocupan.

        ## Pide ayuda urgente

        Llama al 911 si alguien no se despierta, tiene dificultad para respirar, tiene una
        convulsión o siente dolor en el pecho.
        """,
    ),
    StarterResource(
        slug="efectos-a-largo-plazo-vejiga-rinones-memoria",
        title="Efectos a largo plazo: vejiga, riñones y memoria",
        kind=Kind.ARTICLE,
        summary=(
            "El consumo regular de ketamina puede dañar la vejiga y los riñones y afectar la "
            "memoria. Las señales de alerta, por qué importa dejarla pronto y por dónde empezar."
        ),
        categories=("health-effects",),
        tags=("ketamine", "bladder", "memory"),
        for_loved_ones=True,
        featured_position=None,
        language="es",
        translation_of="long-term-effects-bladder-kidneys-memory",
        text="""
        La mayor parte del daño a largo plazo de la ketamina se acumula poco a poco, y por eso
        es fácil no notarlo hasta que duele. La parte esperanzadora: mucho de ese daño mejora
        cuando se deja de consumir, sobre todo si se deja pronto.

        ## La vejiga

        La ketamina y las sustancias en que el cuerpo la descompone salen en la orina y, con el
        tiempo, pueden irritar y dañar el revestimiento interno de la vejiga. Los médicos pueden
        llamarlo síndrome de vejiga por ketamina, cistitis por ketamina o uropatía por ketamina.
        Algunas señales:

        - necesitar orinar muy seguido, también de noche;
        - ganas repentinas y urgentes de ir al baño, a veces con pérdidas de orina;
        - dolor o ardor al orinar, o dolor en la parte baja del vientre;
        - sangre en la orina.

        Si el consumo continúa, la vejiga puede encogerse y ponerse rígida, hasta el punto de
        que cabe muy poca orina en ella. Algunas personas necesitan entonces tratamiento a largo
        plazo. Si tienes alguna de estas señales, cuéntale a tu médico que consumes ketamina.
        Eso cambia lo que va a buscar, y no será la primera vez que lo escuche.

        ## Los riñones

        El daño puede subir. Si los conductos que drenan los riñones se inflaman o se estrechan,
        los propios riñones quedan sometidos a un esfuerzo. Al principio esto muchas veces no da
        síntomas, así que, si has consumido con regularidad, vale la pena pedir un análisis
        sencillo de orina y de sangre.

        ## La memoria y el pensamiento

        El consumo intenso y regular se asocia con problemas de memoria a corto plazo, de
        concentración y de planificación. Hay quienes cuentan que pierden el hilo de una
        conversación u olvidan para qué entraron a un cuarto. Mucho de esto puede mejorar con
        meses sin ketamina. El sueño, la alimentación, el movimiento y el tiempo con otras
        personas ayudan al cerebro a recuperarse.

        ## Otros efectos

        El dolor de estómago que vuelve una y otra vez, el ánimo bajo y la ansiedad también son
        comunes con el consumo a largo plazo.

        ## Qué puedes hacer

        - Habla con sinceridad con tu médico sobre cuánto consumes y con qué frecuencia.
        - Toma agua poco a poco a lo largo del día, y modera la cafeína y el alcohol, que pueden
          irritar la vejiga.
        - Toma en serio los síntomas de la vejiga, incluso los leves.
        - Dejar de consumir, o consumir menos, le da a tu cuerpo la mejor oportunidad de sanar.
        """,
    ),
    StarterResource(
        slug="como-ayudan-los-grupos-de-apoyo",
        title="Cómo ayudan los grupos de apoyo y qué pasa en una reunión",
        kind=Kind.ARTICLE,
        summary=(
            "Por qué encontrarte con otras personas en recuperación marca la diferencia, cómo "
            "suele ser una reunión de apoyo entre pares y cómo sentirte más a gusto en tu primera "
            "reunión."
        ),
        categories=("treatment-and-therapy", "staying-well"),
        tags=("peer-support",),
        for_loved_ones=True,
        featured_position=None,
        language="es",
        translation_of="how-support-groups-help",
        text="""
        La recuperación es difícil de llevar en soledad. Un grupo de apoyo es una reunión
        regular de personas que están pasando por lo mismo, dirigida por pares y no por
        profesionales.

        ## Por qué ayuda

        - **Te entienden.** Otras personas han sentido la misma vergüenza, las mismas ganas de
          consumir y la misma esperanza, y no hace falta explicar nada.
        - **Ves que la recuperación sí ocurre.** Conocer a alguien que lleva uno o cinco años
          más en el camino hace que tus propias metas se vean alcanzables.
        - **Te llevas ideas prácticas.** Los miembros cuentan qué les ayudó a pasar una mala
          noche, una fiesta o una conversación difícil.
        - **Tienes un motivo para ir.** Una reunión semanal le da forma a la semana, y la gente
          nota cuando faltas.
        - **Ayudas a otras personas.** Con el tiempo, tu propia historia le sirve a alguien que
          acaba de llegar.

        El apoyo entre pares funciona bien junto con la terapia o un programa de rehabilitación,
        y sigue presente mucho después de que termina el tratamiento.

        ## Qué pasa en una reunión

        Las reuniones varían, pero muchas siguen un orden parecido:

        1. Quien facilita da la bienvenida y lee algunos acuerdos del grupo, como mantener en
           privado lo que se dice.
        2. Una ronda para saludar: el nombre que usas aquí y, si quieres, una frase sobre tu
           semana.
        3. Un tema, o un espacio abierto para compartir. Habla una persona a la vez, sin
           interrupciones, y nadie da consejos a menos que se los pidan.
        4. Un cierre breve.

        La mayoría de las reuniones duran entre una hora y una hora y media. Las reuniones en
        línea funcionan igual, y puedes dejar la cámara apagada.

        ## En tu primera reunión

        Es normal llegar ansioso o ansiosa a la primera reunión. Estas ideas pueden ayudarte:

        - No tienes que hablar. "Hoy solo voy a escuchar" siempre está bien.
        - Usa el nombre que quieras.
        - Llegar unos minutos antes te da tiempo para saludar a quien facilita.
        - Si un grupo no te hace sentir bien, prueba otro. Encontrar un grupo que te quede bien
          importa, y no hay prisa.

        Lo que escuchas en la reunión se queda ahí, y cuánto compartes siempre lo decides tú.
        """,
    ),
    StarterResource(
        slug="como-apoyar-a-un-ser-querido",
        title="Cómo apoyar a un ser querido con dependencia de la ketamina",
        kind=Kind.ARTICLE,
        summary=(
            "Cómo hablar con tu pareja, una amistad o un familiar sobre su consumo de ketamina, "
            "qué suele ayudar y qué suele empeorar las cosas."
        ),
        categories=("family-and-friends",),
        tags=("family",),
        for_recovery=False,
        for_loved_ones=True,
        featured_position=None,
        language="es",
        translation_of="supporting-a-loved-one",
        text="""
        Cuando alguien a quien quieres tiene problemas con la ketamina, es natural sentir miedo,
        enojo, culpa o impotencia, a veces todo en una misma noche. No puedes hacer que otra
        persona se recupere. Lo que sí puedes es hacerle más fácil dar un paso, y cuidar tu
        propio equilibrio mientras lo da.

        ## Antes de hablar

        - Elige un momento en que la persona no haya consumido y haya calma de ambas partes: no
          en medio de una discusión ni tarde por la noche.
        - Piensa en lo que de verdad has visto: faltas al trabajo o a clases, dinero, salud,
          estado de ánimo.
        - Decide lo que quieres decir, en pocas frases.

        ## Durante la conversación

        - Empieza por el cariño: "Te quiero y me preocupas."
        - Describe cosas concretas que has notado, en lugar de ponerle etiquetas.
        - Habla desde lo que tú sientes: "Me dio mucho miedo cuando no llegaste a casa."
        - Pregunta, y luego escucha. "¿Cómo estás tú en este momento?" puede abrir más puertas
          que un sermón.
        - Es probable que haya negación o enojo. Las dos cosas son comunes, y ninguna significa
          que la conversación fracasó.
        - Deja la puerta abierta: "Cuando quieras hablar, o cuando quieras ayuda, aquí estoy."

        ## Lo que suele ayudar

        - Mantener el contacto e incluir a la persona en la vida de todos los días.
        - Notar su esfuerzo, por pequeño que sea, y decírselo.
        - La ayuda práctica: buscar un grupo, llevarla a una cita, acompañarla mientras llama a
          una línea de ayuda.
        - Informarte sobre la dependencia de la ketamina, para entender a qué se enfrenta.

        ## Lo que suele empeorar las cosas

        - Los sermones, hacerla sentir vergüenza o las amenazas que no vas a cumplir.
        - Encubrirla, por ejemplo pagando sus deudas o inventando excusas ante su trabajo. Eso
          puede ocultarle el problema justo a quien más necesita verlo.
        - Querer controlarlo todo, como revisar su cuarto todos los días.

        ## Los límites

        Tienes derecho a poner límites, como "No te voy a prestar dinero" o "No quiero ketamina
        en la casa". Dilos con calma y mantenlos. Los límites protegen la relación, y también te
        protegen a ti.

        Si alguna vez temes por su seguridad o por la tuya, llama al 988 (marca 2 para español)
        o envía AYUDA al 988, o llama al 911.
        """,
    ),
    StarterResource(
        slug="como-cuidarte-como-familiar",
        title="Cómo cuidarte cuando eres familiar",
        kind=Kind.ARTICLE,
        summary=(
            "Preocuparte por alguien que consume ketamina pasa factura. Formas prácticas para que "
            "madres, padres, parejas y amistades protejan su salud, su sueño y su red de apoyo."
        ),
        categories=("family-and-friends",),
        tags=("family", "self-care", "sleep"),
        for_recovery=False,
        for_loved_ones=True,
        featured_position=None,
        language="es",
        translation_of="looking-after-yourself",
        text="""
        Cuando alguien a quien quieres depende de una droga, tu atención se va hacia esa
        persona: dónde está, si está a salvo, qué va a pasar. Meses así desgastan a cualquiera.
        Cuidarte no es egoísmo. Te permite seguir ayudando, y además tú también importas.

        ## Señales de que ya no te quedan fuerzas

        - Pasas noches en vela por la preocupación, o te despiertas con cada ruido.
        - Tus propias citas, amistades e intereses han quedado de lado.
        - Sientes resentimiento o un vacío por dentro, o vives en alerta constante.
        - Guardas secretos por esa persona, y te pesan.

        ## Cosas pequeñas que ayudan

        - **Mantén algunas rutinas.** Comer a horas regulares, moverte un poco y tener una hora
          fija para acostarte le dan a tu cuerpo un descanso del modo de crisis.
        - **Cuéntaselo a alguien.** Una amistad, alguien de consejería o terapia, o un grupo
          para familia y amistades. Decirlo en voz alta quita parte del peso.
        - **Protege lo que es tuyo.** Si hace falta, mantén tu dinero aparte, y guarda en un
          lugar seguro los objetos de valor y los documentos importantes.
        - **Haz cada semana algo solo para ti**, que no tenga nada que ver con su recuperación.

        ## Lo que te toca cargar y lo que no

        Tú no causaste su dependencia. No puedes controlarla, y no puedes curarla por tu cuenta.
        Lo que sí puedes elegir es cómo respondes y cómo te cuidas en el camino.

        ## Lo que sientes es válido

        El enojo, el duelo, la culpa, la vergüenza, incluso el alivio cuando la persona no está:
        todo esto es normal. Un grupo para familiares es un lugar donde decirlo en voz alta sin
        que nadie te juzgue.

        ## Cuándo buscar más ayuda

        Si sientes que no hay esperanza, llevas semanas durmiendo mal o no te sientes a salvo en
        casa, habla con tu médico. Si tienes pensamientos de hacerte daño, llama al 988 (marca 2
        para español) o envía AYUDA al 988, a cualquier hora. Si estás en peligro, llama al 911.
        """,
    ),
    StarterResource(
        slug="prevencion-de-recaidas",
        title="Prevención de recaídas: detonantes, ganas de consumir y un plan",
        kind=Kind.ARTICLE,
        summary=(
            "Por qué las recaídas son comunes y no son un fracaso, cómo reconocer tus detonantes, "
            "formas de aguantar las ganas de consumir y cómo hacer un plan antes de necesitarlo."
        ),
        categories=("staying-well",),
        tags=("relapse", "cravings", "sleep"),
        featured_position=None,
        language="es",
        translation_of="relapse-prevention",
        text="""
        Muchas personas que dejan la ketamina tienen al menos un desliz o una recaída en el
        camino. Es una parte común de la recuperación, no la prueba de que no puedes lograrlo.
        Planear con tiempo hace que sea menos probable y, si pasa, hace más corto el camino de
        regreso.

        ## La recaída es un proceso

        Rara vez empieza con el primer consumo. Las primeras señales suelen aparecer días o
        semanas antes: faltar a las reuniones, dormir mal, guardarte todo lo que sientes, volver
        poco a poco a los lugares de antes, o pensar "por una vez no pasa nada". Si las
        reconoces a tiempo, tienes más margen para actuar.

        ## Conoce tus detonantes

        Los detonantes son las personas, los lugares, los sentimientos y los momentos que te
        despiertan las ganas de consumir. Algunos comunes:

        - ciertas amistades, el número de quien te vende, ciertos lugares o cierta música;
        - el estrés, el aburrimiento, la soledad, el enojo, sentirte ansioso o ansiosa, y
          también las celebraciones;
        - tener hambre, enojo, soledad o cansancio (en inglés se resume con la sigla HALT);
        - los días de pago, los fines de semana y los aniversarios.

        Algunos los puedes evitar, por ejemplo borrando números del teléfono. A otros vas a
        aprender a manejarlos.

        ## Cómo aguantar las ganas de consumir

        Las ganas se sienten urgentes, pero suben, llegan a su punto más alto y bajan, muchas
        veces en menos de media hora. Cosas que a muchas personas les sirven:

        - **Espera.** Prométete quince minutos antes de decidir nada.
        - **Distráete.** Sal a caminar, báñate, cocina, llama a alguien.
        - **Obsérvalas.** ¿En qué parte del cuerpo las sientes, y qué tan fuertes son del 1 al
          10? Observar las ganas de cerca puede quitarles parte de su fuerza.
        - **Adelanta la película.** Piensa más allá de la primera hora: cómo te vas a sentir
          mañana por la mañana.
        - **Busca a alguien.** Mándale un mensaje a alguien de tu grupo.

        ## Haz un plan

        Escribe tus señales de alerta, tus detonantes, lo que vas a hacer en su lugar y a quién
        puedes llamar. Guárdalo en tu teléfono. La hoja de trabajo del plan de prevención de
        recaídas te guía paso a paso, y el registro de ganas de consumir te ayuda a ver patrones
        (las dos hojas están en inglés).

        ## Si vuelves a consumir

        Trátate con amabilidad, y cuéntaselo pronto a alguien de confianza. Mira qué te llevó a
        consumir y qué cambiarías. Luego vuelve a tu plan. Un desliz no borra el progreso que
        has logrado.
        """,
    ),
)
